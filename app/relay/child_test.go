package relay

const childEnv = "LIVEROUTE_RELAY_CHILD"

func runChild() int { return 0 }
