package fakefb

// loginState holds Facebook Login's data: pending codes, dialog switches.
type loginState struct{}

// registerLogin adds Facebook Login's handlers to s.mux.
func (s *Server) registerLogin() {}
