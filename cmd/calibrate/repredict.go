package main

import (
	"bytes"
	"log"
	"os"
	"os/exec"
	"strings"
	"time"

	"playground/calibrate"
)

// repredictDoc rewrites the doc at out with the current engine's
// predictions (calibrate.Repredict). The date and commit default to the
// clock and to git.
func repredictDoc(out, date, commit string) {
	if date == "" {
		date = time.Now().UTC().Format("2006-01-02 15:04 UTC")
	}
	if commit == "" {
		commit = engineCommit()
	}
	old, err := os.ReadFile(out)
	if err != nil {
		log.Fatal(err)
	}
	doc, err := calibrate.Repredict(old, calibrate.Stamp{Date: date, Commit: commit})
	if err != nil {
		log.Fatalf("%s: %v", out, err)
	}
	if bytes.Equal(doc, old) {
		log.Printf("%s is current", out)
		return
	}
	if err := os.WriteFile(out, doc, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("recomputed the predictions in %s (engine %s)", out, commit)
}

// engineCommit is git's short HEAD, with "+dirty" when engine/ has
// uncommitted changes, which the predictions then include.
func engineCommit() string {
	b, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		log.Fatalf("git rev-parse: %v (give -commit)", err)
	}
	c := strings.TrimSpace(string(b))
	if st, err := exec.Command("git", "status", "--porcelain", "--", "engine").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		c += "+dirty"
	}
	return c
}

// rewriteConstants rewrites the "Engine constants" section of the doc at
// out from the measurements saved at from and the current engine: it
// quotes the engine's figures, which -repredict alone leaves as they were.
func rewriteConstants(out, from string) {
	_, ms, err := calibrate.LoadSaved(from)
	if err != nil {
		log.Fatal(err)
	}
	old, err := os.ReadFile(out)
	if err != nil {
		log.Fatal(err)
	}
	doc, err := calibrate.RewriteConstants(old, ms)
	if err != nil {
		log.Fatalf("%s: %v", out, err)
	}
	if err := os.WriteFile(out, doc, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("rewrote the engine constants section of %s from %s", out, from)
}
