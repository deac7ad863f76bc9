package fakefb

import (
	"fmt"
	"time"
)

// The demo's Meta app. The secret is public on purpose: it only opens the fake.
const (
	DemoAppID     = "1234567890"
	DemoAppSecret = "demo-secret-0123456789abcdef"
	// DemoLiveDelay is how long after seeding the demo's live video starts.
	DemoLiveDelay = 20 * time.Second
	// DemoChoirUsername is the username of the demo's third Page, so a
	// facebook.com/DemoChoir address can be added by name.
	DemoChoirUsername = "DemoChoir"
)

// DemoScopes are the permissions the demo's person granted.
var DemoScopes = []string{"pages_show_list", "pages_read_engagement", "pages_manage_posts", "pages_read_user_content", "publish_video", "pages_manage_engagement"}

// DemoInfo is what --demo needs to connect to a seeded fake without a login dialog.
type DemoInfo struct {
	AppID, AppSecret string
	UserID, UserName string
	UserToken        string // long-lived (60 days) user token
	PageIDs          []string
	LivePageID       string    // the Page that goes live
	Live             Broadcast // starts DemoLiveDelay after seeding and stays live
}

// NewDemo starts a fake Facebook on a random loopback port seeded by SeedDemo.
func NewDemo() (*Server, DemoInfo, error) {
	s, err := New(Options{})
	if err != nil {
		return nil, DemoInfo{}, err
	}
	info, err := s.SeedDemo()
	if err != nil {
		_ = s.Close()
		return nil, DemoInfo{}, err
	}
	return s, info, nil
}

// SeedDemo fills the fake with a Development app, "Demo Person", three Pages
// they manage (the third, "Demo Choir", has the username DemoChoir), a
// long-lived user token and a live video that starts shortly and stays live.
func (s *Server) SeedDemo() (DemoInfo, error) {
	info := DemoInfo{AppID: DemoAppID, AppSecret: DemoAppSecret, UserID: "100000000000777", UserName: "Demo Person"}
	s.AddApp(App{ID: DemoAppID, Secret: DemoAppSecret, Name: "LiveRoute (demo)", Mode: Development})
	s.AddUser(User{ID: info.UserID, Name: info.UserName})
	for i, p := range []Page{
		{ID: "200000000000001", Name: "Demo Church Live", Category: "Religious Organization"},
		{ID: "200000000000002", Name: "Demo Youth Group", Category: "Community"},
		{ID: "200000000000003", Name: "Demo Choir", Category: "Musician/Band", Username: DemoChoirUsername},
	} {
		s.AddPage(p, info.UserID)
		info.PageIDs = append(info.PageIDs, p.ID)
		if i == 0 {
			info.LivePageID = p.ID
		}
	}
	info.UserToken = s.MintUserToken(DemoAppID, info.UserID, DemoScopes, 60*24*time.Hour, true).Value
	live, err := s.StartLive(info.LivePageID, LiveSpec{
		Title:       "Sunday service (demo)",
		Description: "A scripted live video from LiveRoute's fake Facebook.",
		StartAt:     s.Now().Add(DemoLiveDelay),
	})
	if err != nil {
		return DemoInfo{}, fmt.Errorf("seed demo: %w", err)
	}
	info.Live = live
	return info, nil
}
