package elastic

// The Query DSL printer builds most of its tree from the two node types
// below rather than from nested obj values: a predicate as obj took four
// slices and three interface values, one of these takes one allocation.
// Both are written by appendJSON and appendIndented exactly as the obj
// trees they stand for, and by encoding/json through MarshalJSON.

// leafQuery is a term-level query on one field:
// {"<kind>": {"<field>": {"<key>": <value>[, "flags": "<flags>"][, "case_insensitive": true]}}}
// where the value is str when num is nil. kind "exists" is
// {"exists": {"field": "<field>"}}.
type leafQuery struct {
	kind, field, key string
	str              string
	num              any // a number or boolean value, else nil
	flags            string
	ci               bool
}

// boolQuery is {"bool": {"<occur>": [<qs>...]}}, with
// "minimum_should_match": 1 after a should list.
type boolQuery struct {
	occur string
	qs    []any
}

// MarshalJSON writes the query as appendJSON does.
func (q *leafQuery) MarshalJSON() ([]byte, error) { return appendJSON(nil, q) }

// MarshalJSON writes the query as appendJSON does.
func (q *boolQuery) MarshalJSON() ([]byte, error) { return appendJSON(nil, q) }

// jsonLayout is how a node is written: compactly (indented false) or as
// indent writes it, starting at depth.
type jsonLayout struct {
	indented bool
	depth    int
}

// open appends an object's or array's opening byte and moves in a level.
func (l *jsonLayout) open(b []byte, c byte) []byte {
	l.depth++
	b = append(b, c)
	return l.newline(b)
}

// close moves out a level and appends the closing byte.
func (l *jsonLayout) close(b []byte, c byte) []byte {
	l.depth--
	b = l.newline(b)
	return append(b, c)
}

// newline appends a line break and the indentation when indented.
func (l *jsonLayout) newline(b []byte) []byte {
	if !l.indented {
		return b
	}
	return appendNewline(b, l.depth)
}

// key appends a member's key and the colon.
func (l *jsonLayout) key(b []byte, k string) ([]byte, error) {
	b, err := appendString(b, k)
	if err != nil {
		return nil, err
	}
	if l.indented {
		return append(b, ": "...), nil
	}
	return append(b, ':'), nil
}

// appendLeaf appends a leafQuery.
func appendLeaf(b []byte, q *leafQuery, l jsonLayout) ([]byte, error) {
	var err error
	b = l.open(b, '{')
	if b, err = l.key(b, q.kind); err != nil {
		return nil, err
	}
	b = l.open(b, '{')
	if q.kind == "exists" {
		if b, err = l.key(b, "field"); err != nil {
			return nil, err
		}
		if b, err = appendString(b, q.field); err != nil {
			return nil, err
		}
		b = l.close(b, '}')
		return l.close(b, '}'), nil
	}
	if b, err = l.key(b, q.field); err != nil {
		return nil, err
	}
	b = l.open(b, '{')
	if b, err = l.key(b, q.key); err != nil {
		return nil, err
	}
	if q.num != nil {
		b, err = appendJSON(b, q.num)
	} else {
		b, err = appendString(b, q.str)
	}
	if err != nil {
		return nil, err
	}
	if q.flags != "" {
		b = append(b, ',')
		b = l.newline(b)
		if b, err = l.key(b, "flags"); err != nil {
			return nil, err
		}
		if b, err = appendString(b, q.flags); err != nil {
			return nil, err
		}
	}
	if q.ci {
		b = append(b, ',')
		b = l.newline(b)
		if b, err = l.key(b, "case_insensitive"); err != nil {
			return nil, err
		}
		b = append(b, "true"...)
	}
	b = l.close(b, '}')
	b = l.close(b, '}')
	return l.close(b, '}'), nil
}

// appendBool appends a boolQuery.
func appendBool(b []byte, q *boolQuery, l jsonLayout) ([]byte, error) {
	var err error
	b = l.open(b, '{')
	if b, err = l.key(b, "bool"); err != nil {
		return nil, err
	}
	b = l.open(b, '{')
	if b, err = l.key(b, q.occur); err != nil {
		return nil, err
	}
	if l.indented {
		b, err = appendIndented(b, q.qs, l.depth)
	} else {
		b, err = appendJSON(b, q.qs)
	}
	if err != nil {
		return nil, err
	}
	if q.occur == "should" {
		b = append(b, ',')
		b = l.newline(b)
		if b, err = l.key(b, "minimum_should_match"); err != nil {
			return nil, err
		}
		b = append(b, '1')
	}
	b = l.close(b, '}')
	return l.close(b, '}'), nil
}
