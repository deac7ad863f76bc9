package fakefb

// graphState holds the Graph API side's data: posts, live videos, switches.
type graphState struct{}

// registerGraph adds the Graph API's handlers to s.mux.
func (s *Server) registerGraph() {}
