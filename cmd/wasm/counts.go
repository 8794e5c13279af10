package main

import "strings"

// countsDiffer reports whether words a and b differ, and only in their
// digits: the same label with other counts.
func countsDiffer(a, b string) bool {
	return a != b && strings.Map(dropDigit, a) == strings.Map(dropDigit, b)
}

// dropDigit is strings.Map's mapping that leaves digits out.
func dropDigit(r rune) rune {
	if r >= '0' && r <= '9' {
		return -1
	}
	return r
}
