package service

import (
	"sync"

	"github.com/liveroute/liveroute/store"
)

// Secrets is where tokens and the app secret live: the OS keychain, or for
// the demo profile a map in memory (its tokens open only the fake Facebook
// that dies with the process).
type Secrets interface {
	Get(key string) (string, error)
	Set(key, value string) error
	Delete(key string) error
}

type memorySecrets struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memorySecrets) Get(key string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return "", store.ErrSecretNotFound
	}
	return v, nil
}

func (s *memorySecrets) Set(key, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = value
	return nil
}

func (s *memorySecrets) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}
