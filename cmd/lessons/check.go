package main

import (
	"fmt"
	"io"
	"os"

	"playground/lessons"
)

// checkFiles prints every broken block and every checked claim of the files
// and returns the exit code: 1 if anything failed.
func checkFiles(files []string, w io.Writer) int {
	code, claims, failed := 0, 0, 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(w, err)
			code = 1
			continue
		}
		l := lessons.Parse(f, src)
		for _, e := range l.Errors {
			fmt.Fprintf(w, "BROKEN %v\n", e)
			code = 1
		}
		for _, o := range lessons.Check(l) {
			fmt.Fprintln(w, o)
			claims++
			if !o.OK {
				failed++
				code = 1
			}
		}
	}
	fmt.Fprintf(w, "%d claims checked, %d failed\n", claims, failed)
	return code
}
