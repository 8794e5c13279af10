package engine

// ring is a first-in, first-out queue on a ring buffer that grows as needed
// and never shrinks, so a long run does not allocate. Its length is a power
// of two, so a position wraps with a mask, not a division.
type ring[T comparable] struct {
	buf        []T
	head, size int
}

// fifo is a queue of ids: requests, threads, worker processes.
type fifo = ring[int32]

func (f *ring[T]) len() int { return f.size }

func (f *ring[T]) push(v T) {
	if f.size == len(f.buf) {
		n := make([]T, max(8, 2*len(f.buf)))
		for i := 0; i < f.size; i++ {
			n[i] = f.at(i)
		}
		f.buf, f.head = n, 0
	}
	f.buf[(f.head+f.size)&(len(f.buf)-1)] = v
	f.size++
}

// pop removes and returns the oldest value; the queue must not be empty.
func (f *ring[T]) pop() T {
	v := f.buf[f.head]
	f.head = (f.head + 1) & (len(f.buf) - 1)
	f.size--
	return v
}

// drop removes the oldest value; the queue must not be empty.
func (f *ring[T]) drop() {
	f.head = (f.head + 1) & (len(f.buf) - 1)
	f.size--
}

// popNewest removes and returns the newest value; the queue must not be
// empty.
func (f *ring[T]) popNewest() T {
	v := *f.last()
	f.size--
	return v
}

// at returns the i-th oldest value.
func (f *ring[T]) at(i int) T { return f.buf[(f.head+i)&(len(f.buf)-1)] }

// set replaces the i-th oldest value; i must be below len.
func (f *ring[T]) set(i int, v T) { f.buf[(f.head+i)&(len(f.buf)-1)] = v }

// first and last point at the oldest and the newest value; the queue must
// not be empty.
func (f *ring[T]) first() *T { return &f.buf[f.head] }
func (f *ring[T]) last() *T  { return &f.buf[(f.head+f.size-1)&(len(f.buf)-1)] }

// remove deletes the first occurrence of v, keeping the order of the rest,
// and reports whether it was there.
func (f *ring[T]) remove(v T) bool {
	for i := 0; i < f.size; i++ {
		if f.at(i) == v {
			f.take(i)
			return true
		}
	}
	return false
}

// take removes and returns the i-th oldest value, keeping the order of the
// rest; i must be below len.
func (f *ring[T]) take(i int) T {
	v := f.at(i)
	for j := i; j < f.size-1; j++ {
		f.buf[(f.head+j)&(len(f.buf)-1)] = f.at(j + 1)
	}
	f.size--
	return v
}

func (f *ring[T]) clear() { f.head, f.size = 0, 0 }

// insert puts v at position i (0 is the oldest), after the i oldest values.
func (f *ring[T]) insert(i int, v T) {
	f.push(v)
	for j := f.size - 1; j > i; j-- {
		f.buf[(f.head+j)&(len(f.buf)-1)] = f.at(j - 1)
	}
	f.buf[(f.head+i)&(len(f.buf)-1)] = v
}
