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

// DefaultFor returns the value of key k in a lane of model m that does not
// set it, and true, when that value depends on the model (threads: 40 on
// fastapi, 1 on gthread); otherwise "" and false, and Default says it.
func (k Key) DefaultFor(m Model) (string, bool) {
	if k.atDefault == nil {
		return "", false
	}
	c := DefaultConfig()
	c.Model = m
	return k.get(&c), true
}
