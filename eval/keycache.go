package eval

import (
	"strings"

	"github.com/sigconv/sigconv/eval/winevt"
)

// keyCache interns the keys of the events of one stream: their dotted
// spelling, their Windows flattening and a number per key that lets an
// Engine bind the key to its field id without a map lookup.
//
// Entries form a tree (object → members). Events of one stream mostly
// repeat a few shapes, so each entry remembers the member that followed
// it last time: looking a key up is then a comparison with that guess,
// and only a new or reordered key costs a map lookup.
type keyCache struct {
	root  keyEntry
	count int         // entries made, at most maxCachedKeys
	ents  []*keyEntry // per field of the last event: its entry, or nil
}

// keyEntry is an interned key.
type keyEntry struct {
	key     string // dotted path from the top level
	name    string // the member name (last element of key)
	kid     uint32 // number of the key in its stream, from 1
	next    *keyEntry
	first   *keyEntry            // as an object: the member that came first last time
	members map[string]*keyEntry // as an object: member name → entry

	win      *keyEntry // the flattened key (winevt.FlattenKey), valid when winDone
	winDone  bool
	winClass winClass // what flattening does with the key, once known
}

// maxCachedKeys bounds a Decoder's cache for streams with unbounded key
// variety; keys beyond it are not interned.
const maxCachedKeys = 1 << 14

// member returns the entry of member name of object parent, whose
// previous member's entry is prev (nil for the first member), or nil when
// the cache is full.
func (k *keyCache) member(parent, prev *keyEntry, name string) *keyEntry {
	guess := parent.first
	if prev != nil {
		guess = prev.next
	}
	if guess != nil && guess.name == name {
		return guess
	}
	e := parent.members[name]
	if e == nil {
		if e = k.newEntry(parent, name); e == nil {
			return nil
		}
	}
	if prev != nil {
		prev.next = e
	} else {
		parent.first = e
	}
	return e
}

func (k *keyCache) newEntry(parent *keyEntry, name string) *keyEntry {
	if k.count >= maxCachedKeys {
		return nil
	}
	key := strings.Clone(name) // name may point into an event
	if parent != &k.root {
		key = parent.key + "." + name
	}
	k.count++
	e := &keyEntry{key: key, name: key[len(key)-len(name):], kid: uint32(k.count)}
	if parent.members == nil {
		parent.members = map[string]*keyEntry{}
	}
	parent.members[e.name] = e
	return e
}

// flattened returns the entry of e's key after Windows flattening, or
// nil when the flattening drops the value.
func (k *keyCache) flattened(e *keyEntry) *keyEntry {
	if !e.winDone {
		e.winDone = true
		if name, ok := winevt.FlattenKey(e.key); ok {
			if k.count < maxCachedKeys {
				k.count++
				e.win = &keyEntry{key: name, name: name, kid: uint32(k.count)}
			} else {
				e.win = &keyEntry{key: name, name: name}
			}
		}
	}
	return e.win
}

// kids appends, per field of the last decoded event (n fields), the
// number of its key, 0 when it has none.
func (k *keyCache) kids(dst []uint32, n int) []uint32 {
	if len(k.ents) != n {
		return dst[:0]
	}
	for _, e := range k.ents {
		var kid uint32
		if e != nil {
			kid = e.kid
		}
		dst = append(dst, kid)
	}
	return dst
}
