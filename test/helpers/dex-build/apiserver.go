// Replaces Dex's server/apiserver package (its gRPC admin API) in the toolkit's build of Dex.
//
// Dex's go.mod points github.com/dexidp/dex/api/v2 at ./api/v2 with a replace directive, and a
// module's replace directives do not apply when it is built as a dependency; the Go module proxy
// has no api/v2 release that matches the pinned Dex commit, so the real package does not compile
// against the newest api/v2 there (v2.4.0). The toolkit never configures Dex's gRPC listener
// (`grpc:`), so this package is never served: every call would answer Unimplemented.
package apiserver

import (
	"log/slog"

	"github.com/dexidp/dex/api/v2"
	"github.com/dexidp/dex/server/backchannel"
	"github.com/dexidp/dex/server/connectors"
	"github.com/dexidp/dex/server/discovery"
	"github.com/dexidp/dex/storage"
)

// NewAPI keeps the signature cmd/dex calls; the server it returns implements no method.
func NewAPI(_ storage.Storage, _ *slog.Logger, _ string, _ *connectors.Cache, _ *discovery.Handler, _ *backchannel.Notifier) api.DexServer {
	return unimplemented{}
}

type unimplemented struct{ api.UnimplementedDexServer }
