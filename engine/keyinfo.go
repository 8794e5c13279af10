package engine

// UsedBy reports whether a lane of model m, with every other key at its
// default, uses key k. Keys that every lane uses report true for every model.
// The page greys out a control whose key the chosen model does not use.
func (k Key) UsedBy(m Model) bool {
	if k.applies == nil {
		return true
	}
	c := DefaultConfig()
	c.Model = m
	return k.applies(&c)
}
