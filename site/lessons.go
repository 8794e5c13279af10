package site

import (
	"fmt"
	"path/filepath"
)

// RenderLessons is the hook that renders the lessons, srcDir/*.md, into
// outDir as .html pages (outDir is dist/lessons). It returns how many it
// rendered. It renders nothing yet: the lessons package and its renderer
// are a separate issue. Until then it only checks that srcDir can be read,
// and Build reports 0 lessons.
func RenderLessons(srcDir, outDir string) (int, error) {
	if _, err := filepath.Glob(filepath.Join(srcDir, "*.md")); err != nil {
		return 0, fmt.Errorf("site: lessons: %w", err)
	}
	// TODO(lessons): for each srcDir/*.md, render it with the lessons
	// package into outDir/NAME.html.
	_ = outDir
	return 0, nil
}
