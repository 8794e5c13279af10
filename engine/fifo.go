package engine

// fifo is a first-in, first-out queue of int32 ids on a ring buffer that
// grows as needed and never shrinks, so a long run does not allocate. Its
// length is a power of two, so a position wraps with a mask, not a division.
type fifo struct {
	buf        []int32
	head, size int
}

func (f *fifo) len() int { return f.size }

func (f *fifo) push(v int32) {
	if f.size == len(f.buf) {
		n := make([]int32, max(8, 2*len(f.buf)))
		for i := 0; i < f.size; i++ {
			n[i] = f.at(i)
		}
		f.buf, f.head = n, 0
	}
	f.buf[(f.head+f.size)&(len(f.buf)-1)] = v
	f.size++
}

// pop removes and returns the oldest id; the queue must not be empty.
func (f *fifo) pop() int32 {
	v := f.buf[f.head]
	f.head = (f.head + 1) & (len(f.buf) - 1)
	f.size--
	return v
}

// at returns the i-th oldest id.
func (f *fifo) at(i int) int32 { return f.buf[(f.head+i)&(len(f.buf)-1)] }

// remove deletes the first occurrence of v, keeping the order of the rest,
// and reports whether it was there.
func (f *fifo) remove(v int32) bool {
	for i := 0; i < f.size; i++ {
		if f.at(i) == v {
			for j := i; j < f.size-1; j++ {
				f.buf[(f.head+j)&(len(f.buf)-1)] = f.at(j + 1)
			}
			f.size--
			return true
		}
	}
	return false
}

func (f *fifo) clear() { f.head, f.size = 0, 0 }
