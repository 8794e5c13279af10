package main

// countsDiffer reports whether words a and b differ, and only in their
// digits: the same label with other counts.
func countsDiffer(a, b string) bool {
	if a == b {
		return false
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		da := i < len(a) && a[i] >= '0' && a[i] <= '9'
		db := j < len(b) && b[j] >= '0' && b[j] <= '9'
		switch {
		case da || db:
			for i < len(a) && a[i] >= '0' && a[i] <= '9' {
				i++
			}
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i++
			j++
		default:
			return false
		}
	}
	return true
}
