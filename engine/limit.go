package engine

// uvicorn's --limit-concurrency (limit-concurrency). As each request is
// parsed, H11Protocol.handle_events (uvicorn/protocols/http/h11_impl.py:
// 176-181) runs the app service_unavailable instead of the user's when
// len(self.connections) >= limit_concurrency or len(self.tasks) >=
// limit_concurrency. connections is the worker's set of open connections,
// the request's own included (added in connection_made, :76; removed in
// connection_lost, :89); tasks is the worker's set of request tasks not yet
// done, before this one is created (:200-201). service_unavailable
// (flow_control.py:48-66) answers 503 with "connection: close". The limit
// is per worker process: each has its own server_state.

// overLimit reports whether worker pid answers its next parsed request
// with uvicorn's 503. The request's own task counts in p.tasks already (it
// started as the connection was read), so the tasks before it are one fewer.
func (s *Sim) overLimit(pid int32) bool {
	n := s.cfg.LimitConcurrency
	if n == 0 || !s.sp.owns(keyLimitConc) {
		return false
	}
	p := &s.procs[pid]
	return p.open >= n || p.tasks-1 >= n
}
