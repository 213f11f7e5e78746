package eval

import "strings"

// minLitSet is the number of plain literal patterns on one item from which
// they are merged into a litSet.
const minLitSet = 6

// litSet tests many plain literals (equal, prefix, suffix, contains) at
// once, for items listing dozens of values. Contains literals are found
// with one pass over the value: a bitmap of their first two bytes filters
// positions, then the literals starting with that byte are compared.
type litSet struct {
	cased    bool
	pats     []*pattern          // the merged patterns, for anchors and explanations
	exact    map[string]struct{} // or nil
	prefix   *[256][]string      // by first byte, or nil
	suffix   *[256][]string      // by last byte, or nil
	contains *[256][]string      // by first byte, literals of two bytes or more, or nil
	short    string              // one-byte contains literals
	pairs    []uint64            // bitmap of the first two bytes of contains literals
	any      bool                // a contains literal is ""
}

// mergeable reports whether a matcher can join a litSet.
func mergeable(m matcher) (*pattern, bool) {
	sm, ok := m.(*strMatcher)
	if !ok {
		return nil, false
	}
	switch sm.p.kind {
	case patExact, patPrefix, patSuffix, patContains:
		return sm.p, true
	}
	return nil, false
}

// mergeLiterals replaces the plain literal patterns of an OR list by
// litSets (one per case mode) when there are enough of them.
func mergeLiterals(ms []matcher) []matcher {
	count := [2]int{}
	for _, m := range ms {
		if p, ok := mergeable(m); ok {
			count[b2i(p.cased)]++
		}
	}
	if count[0] < minLitSet && count[1] < minLitSet {
		return ms
	}
	var sets [2]*litSet
	out := make([]matcher, 0, len(ms))
	for _, m := range ms {
		p, ok := mergeable(m)
		if !ok || count[b2i(p.cased)] < minLitSet {
			out = append(out, m)
			continue
		}
		s := sets[b2i(p.cased)]
		if s == nil {
			s = &litSet{cased: p.cased}
			sets[b2i(p.cased)] = s
			out = append(out, s)
		}
		s.add(p)
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *litSet) add(p *pattern) {
	s.pats = append(s.pats, p)
	l := p.lit
	switch p.kind {
	case patExact:
		if s.exact == nil {
			s.exact = map[string]struct{}{}
		}
		s.exact[l] = struct{}{}
	case patPrefix:
		if l == "" {
			s.any = true
			return
		}
		if s.prefix == nil {
			s.prefix = new([256][]string)
		}
		s.prefix[l[0]] = append(s.prefix[l[0]], l)
	case patSuffix:
		if l == "" {
			s.any = true
			return
		}
		if s.suffix == nil {
			s.suffix = new([256][]string)
		}
		s.suffix[l[len(l)-1]] = append(s.suffix[l[len(l)-1]], l)
	case patContains:
		switch len(l) {
		case 0:
			s.any = true
		case 1:
			s.short += l
		default:
			if s.pairs == nil {
				s.pairs = make([]uint64, 65536/64)
				s.contains = new([256][]string)
			}
			k := uint16(l[0])<<8 | uint16(l[1])
			s.pairs[k/64] |= 1 << (k % 64)
			s.contains[l[0]] = append(s.contains[l[0]], l)
		}
	}
}

func (s *litSet) match(c *ctx, i int32) bool {
	f := &c.ev.Fields[i]
	if !f.hasText() {
		return false
	}
	v := f.Text
	if !s.cased {
		v = c.folded(i)
	}
	return s.matchString(v)
}

func (s *litSet) matchString(v string) bool {
	if s.any {
		return true
	}
	if _, ok := s.exact[v]; ok {
		return true
	}
	if len(v) == 0 {
		return false
	}
	if s.prefix != nil {
		for _, l := range s.prefix[v[0]] {
			if strings.HasPrefix(v, l) {
				return true
			}
		}
	}
	if s.suffix != nil {
		for _, l := range s.suffix[v[len(v)-1]] {
			if strings.HasSuffix(v, l) {
				return true
			}
		}
	}
	if s.short != "" && strings.ContainsAny(v, s.short) {
		return true
	}
	if s.pairs != nil {
		for j := 0; j+1 < len(v); j++ {
			k := uint16(v[j])<<8 | uint16(v[j+1])
			if s.pairs[k/64]&(1<<(k%64)) == 0 {
				continue
			}
			for _, l := range s.contains[v[j]] {
				if strings.HasPrefix(v[j:], l) {
					return true
				}
			}
		}
	}
	return false
}

func (s *litSet) String() string {
	return describeVals(patternMatchers(s.pats))
}

func patternMatchers(ps []*pattern) []matcher {
	out := make([]matcher, len(ps))
	for i, p := range ps {
		out[i] = &strMatcher{p: p}
	}
	return out
}
