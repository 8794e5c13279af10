package engine

import (
	"slices"
	"testing"
)

// take removes the i-th oldest value and keeps the others in order, also
// when the ring has wrapped around its buffer.
func TestRingTake(t *testing.T) {
	var f fifo
	for i := int32(0); i < 8; i++ {
		f.push(i)
	}
	for i := 0; i < 5; i++ {
		f.pop() // head moves to 5, so the next pushes wrap
	}
	for i := int32(8); i < 12; i++ {
		f.push(i)
	}
	if got := f.take(2); got != 7 {
		t.Errorf("take(2) = %d, want 7", got)
	}
	var rest []int32
	for f.len() > 0 {
		rest = append(rest, f.pop())
	}
	if want := []int32{5, 6, 8, 9, 10, 11}; !slices.Equal(rest, want) {
		t.Errorf("after take(2): %v, want %v", rest, want)
	}
}
