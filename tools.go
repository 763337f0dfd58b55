//go:build tools

package gleap

import _ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
