package elastic

import (
	"sort"
	"strings"

	"github.com/sigconv/sigconv/catalog/attack"
)

// threat maps Sigma ATT&CK tags (attack.<tactic>, attack.tNNNN[.NNN]) to
// Kibana's threat array. A technique is listed under the rule's tactics it
// belongs to, or under all of its tactics when the rule names none of
// them. Unknown tags are ignored.
func (b *Backend) threat(tags []string) []any {
	db := b.attack()
	var tacticOrder []string
	named := map[string]bool{}
	var techs []string
	for _, tag := range tags {
		t := strings.ToLower(tag)
		if !strings.HasPrefix(t, "attack.") {
			continue
		}
		v := t[len("attack."):]
		if len(v) > 1 && v[0] == 't' && v[1] >= '0' && v[1] <= '9' {
			if tech, ok := db.Technique(v); ok {
				techs = append(techs, tech.ID)
			}
			continue
		}
		if ta, ok := db.Tactic(v); ok && !named[ta.ShortName] {
			named[ta.ShortName] = true
			tacticOrder = append(tacticOrder, ta.ShortName)
		}
	}
	byTactic := map[string][]string{}
	for _, id := range techs {
		tech, _ := db.Technique(id)
		var homes []string
		for _, s := range tech.Tactics {
			if named[s] {
				homes = append(homes, s)
			}
		}
		if len(homes) == 0 {
			homes = tech.Tactics
		}
		for _, s := range homes {
			if _, ok := db.Tactic(s); !ok {
				continue
			}
			if !named[s] {
				named[s] = true
				tacticOrder = append(tacticOrder, s)
			}
			byTactic[s] = appendUnique(byTactic[s], id)
		}
	}
	out := []any{}
	for _, s := range tacticOrder {
		ta, _ := db.Tactic(s)
		entry := obj{
			{"framework", "MITRE ATT&CK"},
			{"tactic", obj{{"id", ta.ID}, {"name", ta.Name}, {"reference", "https://attack.mitre.org/tactics/" + ta.ID + "/"}}},
		}
		if ts := techniqueList(db, byTactic[s]); len(ts) > 0 {
			entry = append(entry, kv{"technique", ts})
		}
		out = append(out, entry)
	}
	return out
}

// techniqueList groups sub-techniques under their parent technique.
func techniqueList(db *attack.Matrix, ids []string) []any {
	var parents []string
	subs := map[string][]string{}
	for _, id := range ids {
		parent, _, isSub := strings.Cut(id, ".")
		parents = appendUnique(parents, parent)
		if isSub {
			subs[parent] = appendUnique(subs[parent], id)
		}
	}
	out := make([]any, 0, len(parents))
	for _, p := range parents {
		tech, ok := db.Technique(p)
		if !ok {
			continue
		}
		e := obj{{"id", p}, {"name", tech.Name}, {"reference", "https://attack.mitre.org/techniques/" + p + "/"}}
		if ss := subs[p]; len(ss) > 0 {
			sort.Strings(ss)
			list := make([]any, 0, len(ss))
			for _, id := range ss {
				st, _ := db.Technique(id)
				list = append(list, obj{{"id", id}, {"name", st.Name}, {"reference", "https://attack.mitre.org/techniques/" + strings.ReplaceAll(id, ".", "/") + "/"}})
			}
			e = append(e, kv{"subtechnique", list})
		}
		out = append(out, e)
	}
	return out
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
