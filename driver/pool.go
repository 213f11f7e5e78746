package driver

// ordered runs work(i) for every i in [0, n) on up to workers goroutines and
// calls emit(i, result) in index order from the calling goroutine. At most
// a small window of results waits for its predecessors, so memory stays
// bounded however many items there are. When emit returns an error, no new
// work starts and that error is returned once running work has finished.
func ordered[T any](n, workers int, work func(int) T, emit func(int, T) error) error {
	if n == 0 {
		return nil
	}
	if workers < 1 {
		workers = 1
	}
	if workers > n {
		workers = n
	}
	window := 4 * workers
	results := make([]chan T, n)
	for i := range results {
		results[i] = make(chan T, 1)
	}
	tokens := make(chan struct{}, window)
	stop := make(chan struct{})
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for i := 0; i < n; i++ {
			select {
			case tokens <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case jobs <- i:
			case <-stop:
				return
			}
		}
	}()
	done := make(chan struct{})
	for w := 0; w < workers; w++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range jobs {
				results[i] <- work(i)
			}
		}()
	}
	var err error
	for i := 0; i < n; i++ {
		v := <-results[i]
		<-tokens
		if err = emit(i, v); err != nil {
			close(stop)
			break
		}
	}
	for w := 0; w < workers; w++ {
		<-done
	}
	return err
}
