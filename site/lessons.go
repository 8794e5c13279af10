package site

import (
	"os"

	"playground/lessons"
)

// RenderLessons renders the lessons, srcDir/*.md, into outDir (dist/lessons)
// as pages and an index, and returns how many it rendered. A broken block
// still renders, as a visible error box, and is reported on stderr; the
// lesson tests are what fail for it.
func RenderLessons(srcDir, outDir string) (int, error) {
	ls, err := lessons.Load(srcDir)
	if err != nil || len(ls) == 0 {
		return 0, err
	}
	return len(ls), lessons.Render(ls, outDir, os.Stderr)
}
