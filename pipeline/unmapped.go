package pipeline

// Unmapped returns the fields of the input rule, in order of appearance,
// that the pipelines left unmapped: no field name mapping touched them, no
// transformation removed them, and the chosen table (when it declares
// columns) has no column of that name. A chain with no field mappings and
// no table leaves every field unmapped: the target must then store the
// rule's field names as they are.
func Unmapped(res *Result) []string {
	var out []string
	for _, f := range res.Fields {
		if f.Mapped || f.Dropped {
			continue
		}
		known := false
		if res.Table != nil && len(res.Table.Columns) > 0 {
			for _, t := range f.Target {
				if res.Table.Column(t) != nil {
					known = true
				}
			}
		}
		if !known {
			out = append(out, f.Field)
		}
	}
	return out
}
