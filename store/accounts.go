package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Account is the connected Facebook account: who, and what its long-lived
// user token allows until when. The token itself lives in the keychain
// (UserTokenKey), never here.
type Account struct {
	UserID              string    `json:"user_id"`
	Name                string    `json:"name"`
	IssuedAt            time.Time `json:"issued_at"`
	ExpiresAt           time.Time `json:"expires_at"`             // zero: never
	DataAccessExpiresAt time.Time `json:"data_access_expires_at"` // zero: unknown
	Scopes              []string  `json:"scopes"`
	DeclinedScopes      []string  `json:"declined_scopes"`
	AppID               string    `json:"app_id"`
}

// PutAccount stores the connected account. LiveRoute connects one account at
// a time, so a different user replaces the previous one; its secrets are the
// caller's to remove (Keychain.DeleteAccountSecrets).
func (db *DB) PutAccount(a Account) error {
	if err := validID("Facebook user ID", a.UserID); err != nil {
		return err
	}
	if err := validText("account name", a.Name, 200); err != nil {
		return err
	}
	if a.AppID != "" {
		if err := validID("App ID", a.AppID); err != nil {
			return err
		}
	}
	return db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAccounts)
		var others [][]byte
		_ = b.ForEach(func(k, _ []byte) error {
			if string(k) != a.UserID {
				others = append(others, k)
			}
			return nil
		})
		for _, k := range others {
			if err := b.Delete(k); err != nil {
				return fmt.Errorf("replace account %s: %w", k, err)
			}
		}
		return putJSON(b, []byte(a.UserID), a)
	})
}

// Account returns the connected account; ok is false when none is connected.
func (db *DB) Account() (a Account, ok bool, err error) {
	err = db.view(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bucketAccounts).Cursor().First()
		if k == nil {
			return nil
		}
		ok = true
		return getJSONRaw(k, v, &a)
	})
	return a, ok, err
}

// DeleteAccount forgets the account; routes and destinations stay, so a
// reconnect re-binds them. Deleting an absent account is not an error.
func (db *DB) DeleteAccount(userID string) error {
	return db.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketAccounts).Delete([]byte(userID)); err != nil {
			return fmt.Errorf("delete account %s: %w", userID, err)
		}
		return nil
	})
}
