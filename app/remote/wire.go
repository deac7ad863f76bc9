package remote

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// version is the session protocol's version. The window and the agent are
// the same binary, but an update can replace the file while the old agent
// runs on: the window then says so instead of misreading answers.
const version = 1

// maxMessage bounds one message, as control bounds one line: an import may
// be 16 MiB (store's limit), and base64 makes it a third larger.
const maxMessage = 64 << 20

// writeTimeout ends a session whose other end reads nothing: a window
// stopped in a debugger, or an agent that hangs, must not block the other
// process's goroutines forever.
const writeTimeout = 30 * time.Second

// The kinds of message.
const (
	kindHello       = "hello"       // both ways, first: the protocol version
	kindCall        = "call"        // window → agent: call Method with Body as arguments
	kindReply       = "reply"       // agent → window: call ID's answer (Body) and error
	kindCancel      = "cancel"      // window → agent: call ID's context ended
	kindCallback    = "callback"    // agent → window: call ID calls back (Method, Seq)
	kindAnswer      = "answer"      // window → agent: callback Seq's answer
	kindEvent       = "event"       // agent → window: subscription ID's next event
	kindAck         = "ack"         // window → agent: subscription ID took its event
	kindUnsubscribe = "unsubscribe" // window → agent: end subscription ID
	kindShow        = "show"        // agent → window: come to the front (Body: what)
)

// message is one message of a session, in either direction: a header
// line, and when it has a body, the body's JSON on a line of its own. The
// header says the body's size, so a large body (an export) is read in one
// piece and parsed once, never scanned for the header's fields.
type message struct {
	Kind   string          `json:"kind"`
	ID     uint64          `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Seq    uint64          `json:"seq,omitempty"`
	Size   int             `json:"size,omitempty"` // the body line's length, without its newline
	Err    *wireError      `json:"error,omitempty"`
	Body   json.RawMessage `json:"-"`
}

// wire is one end of a session: messages in from r, out to conn, one
// writer at a time.
type wire struct {
	conn net.Conn
	r    *bufio.Reader
	mu   sync.Mutex
}

func newWire(conn net.Conn) *wire {
	return &wire{conn: conn, r: bufio.NewReaderSize(conn, 64<<10)}
}

// send writes m. A failed write closes the connection, so the reading
// side ends the session instead of waiting for an answer that cannot come.
func (w *wire) send(m message) error {
	if len(m.Body) >= maxMessage {
		return errTooLarge
	}
	m.Size = len(m.Body)
	header, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode a %s message: %w", m.Kind, err)
	}
	out := net.Buffers{append(header, '\n')}
	if m.Size > 0 {
		out = append(out, m.Body, []byte{'\n'})
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := out.WriteTo(w.conn); err != nil {
		w.conn.Close()
		return err
	}
	return nil
}

// receive reads the next message.
func (w *wire) receive() (message, error) {
	line, err := readLine(w.r)
	if err != nil {
		return message{}, err
	}
	var m message
	if err := json.Unmarshal(line, &m); err != nil {
		return message{}, errNotJSON
	}
	if m.Size <= 0 {
		return m, nil
	}
	if m.Size >= maxMessage {
		return message{}, errTooLarge
	}
	body := make([]byte, m.Size+1)
	if _, err := io.ReadFull(w.r, body); err != nil {
		return message{}, err
	}
	if body[m.Size] != '\n' {
		return message{}, errNotJSON
	}
	m.Body = body[:m.Size]
	return m, nil
}

var errNotJSON = errors.New("the other end sent a message that is not this protocol's JSON")

var errTooLarge = errors.New("the answer is larger than the 64 MiB a window session carries")

// readLine reads one newline-terminated line of at most maxMessage bytes.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > maxMessage {
			return nil, errTooLarge
		}
		if err == nil && line == nil {
			return chunk, nil // the common case: no copy
		}
		line = append(line, chunk...)
		if err == nil {
			return line, nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
}

// ended reports whether err is the other end leaving (or this end
// closing), not a fault.
func ended(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrUnexpectedEOF)
}

func mustJSON(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // only for values whose encoding cannot fail
	}
	return data
}
