package sitecheck

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// browser drives one headless chromium over the DevTools protocol on a
// pipe (--remote-debugging-pipe: chromium reads NUL-terminated JSON
// messages from fd 3 and writes them to fd 4), so that many pages are
// checked with one browser start and the page can be typed into.
type browser struct {
	cmd  *exec.Cmd
	in   io.WriteCloser // chromium's fd 3
	out  *bufio.Reader  // chromium's fd 4
	next int            // last message id used
}

// startBrowser starts chromium with the given flags and a fresh profile
// directory.
func startBrowser(bin, profile string, flags []string) (*browser, error) {
	toChrome, in, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	out, fromChrome, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	args := append(append([]string{}, flags...), "--remote-debugging-pipe", "--user-data-dir="+profile, "about:blank")
	cmd := exec.Command(bin, args...)
	cmd.ExtraFiles = []*os.File{toChrome, fromChrome} // fd 3, fd 4
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	toChrome.Close()
	fromChrome.Close()
	return &browser{cmd: cmd, in: in, out: bufio.NewReader(out)}, nil
}

// close ends the browser it started.
func (b *browser) close() {
	b.call("", "Browser.close", nil) //nolint:errcheck // best effort
	b.in.Close()
	done := make(chan struct{})
	go func() { b.cmd.Wait(); close(done) }() //nolint:errcheck
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.cmd.Process.Kill() //nolint:errcheck
	}
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    any             `json:"params,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// call sends one command (to a page session, or to the browser when
// session is "") and waits for its answer, skipping events.
func (b *browser) call(session, method string, params any) (json.RawMessage, error) {
	b.next++
	msg, err := json.Marshal(cdpMessage{ID: b.next, Method: method, Params: params, SessionID: session})
	if err != nil {
		return nil, err
	}
	if _, err := b.in.Write(append(msg, 0)); err != nil {
		return nil, err
	}
	for {
		raw, err := b.out.ReadBytes(0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		var m cdpMessage
		if err := json.Unmarshal(raw[:len(raw)-1], &m); err != nil {
			return nil, err
		}
		if m.ID != b.next {
			continue // an event or a stale answer
		}
		if m.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		return m.Result, nil
	}
}

// tab is one page attached with a flat session.
type tab struct {
	b       *browser
	session string
}

// open creates a tab showing url and waits until it has loaded.
func (b *browser) open(url string) (*tab, error) {
	res, err := b.call("", "Target.createTarget", map[string]any{"url": "about:blank"})
	if err != nil {
		return nil, err
	}
	var created struct{ TargetID string }
	if err := json.Unmarshal(res, &created); err != nil {
		return nil, err
	}
	res, err = b.call("", "Target.attachToTarget", map[string]any{"targetId": created.TargetID, "flatten": true})
	if err != nil {
		return nil, err
	}
	var attached struct{ SessionID string }
	if err := json.Unmarshal(res, &attached); err != nil {
		return nil, err
	}
	t := &tab{b: b, session: attached.SessionID}
	return t, t.navigate(url)
}

// navigate loads url and waits for the document to be complete.
func (t *tab) navigate(url string) error {
	if _, err := t.b.call(t.session, "Page.navigate", map[string]any{"url": url}); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var state, href string
		if err := t.eval(`document.readyState + " " + location.href`, &state); err == nil {
			fmt.Sscan(state, &state, &href) //nolint:errcheck
			if state == "complete" && href != "about:blank" {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s: not loaded after a minute", url)
}

// eval evaluates a JavaScript expression in the page and decodes its
// (JSON-serialisable) value into v.
func (t *tab) eval(expr string, v any) error {
	res, err := t.b.call(t.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true})
	if err != nil {
		return err
	}
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(res, &r); err != nil {
		return err
	}
	if r.ExceptionDetails != nil {
		return fmt.Errorf("%s: %s", expr, r.ExceptionDetails.Text)
	}
	if v == nil || r.Result.Value == nil {
		return nil
	}
	return json.Unmarshal(r.Result.Value, v)
}

// typeText types text into the focused element as a user would (one
// input event for the insertion).
func (t *tab) typeText(text string) error {
	_, err := t.b.call(t.session, "Input.insertText", map[string]any{"text": text})
	return err
}

// screenshot saves a PNG of the page rendered width × height CSS pixels.
func (t *tab) screenshot(path string, width, height int) error {
	if _, err := t.b.call(t.session, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false,
	}); err != nil {
		return err
	}
	res, err := t.b.call(t.session, "Page.captureScreenshot", map[string]any{"format": "png"})
	if err != nil {
		return err
	}
	var r struct{ Data string }
	if err := json.Unmarshal(res, &r); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}
