package main

import (
	"reflect"
	"testing"
	"time"

	"playground/cmd/wasm/scene"
)

// jobsPage is the background-jobs page's scenario: requests answered in a
// millisecond or two, 200 a second.
const jobsPage = "model=gthread workers=2 threads=4 background=3 calls=2 io=200ms clients=40 think=200ms"

// pollFrames runs the jobs page for 160 ticks with a frame drawn after
// each, the page polling every 15 ticks when poll is set, and counts the
// frames whose dots or words are not the ones of the state the page last
// read: requests drawn against its "In flight", and the canvas's words
// against the words of that moment. moved counts the frames in which some
// dot moved.
func pollFrames(t *testing.T, poll bool) (dotsOff, wordsOff, moved int) {
	t.Helper()
	a := newApp()
	if err := a.load(jobsPage); err != nil {
		t.Fatal(err)
	}
	a.resize(1000, 600)
	for range 60 {
		a.step()
		a.frame()
	}
	var st State
	var words []scene.Label
	var last []scene.Hit
	for i := range 160 {
		if i%15 == 0 {
			if poll {
				a.polled(time.Now())
			}
			st, words = a.state(), append([]scene.Label(nil), a.words()...)
		}
		a.step()
		sc := a.frame()
		if len(sc.Hits) != st.Lanes[0].InFlight {
			dotsOff++
		}
		if !reflect.DeepEqual(sc.Labels, words) {
			wordsOff++
		}
		if len(last) == len(sc.Hits) && !reflect.DeepEqual(last, sc.Hits) {
			moved++
		}
		last = append(last[:0], sc.Hits...)
	}
	return dotsOff, wordsOff, moved
}

// While the page polls, the picture draws the requests its last poll
// counted and writes that moment's words, frame after frame until the next
// poll, and its dots still glide; a page that does not poll gets a snapshot
// every frame, whose dots the last poll's "In flight" does not count.
func TestDotsFollowThePagesPolls(t *testing.T) {
	dotsOff, wordsOff, moved := pollFrames(t, true)
	if dotsOff != 0 || wordsOff != 0 {
		t.Errorf("polled: %d of 160 frames drew other requests than the poll's in flight, %d wrote other words; want 0 and 0", dotsOff, wordsOff)
	}
	if moved == 0 {
		t.Errorf("polled: no dot moved in 160 frames; want them to glide between polls")
	}
	if dotsOff, _, _ := pollFrames(t, false); dotsOff == 0 {
		t.Errorf("unpolled: every frame drew the requests of the state read up to 15 frames before; want a snapshot a frame")
	}
}
