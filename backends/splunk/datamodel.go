package splunk

import (
	"github.com/sigconv/sigconv/backends/internal/lower"
	"github.com/sigconv/sigconv/pipeline"
)

func (e *emitter) dataModel(res *pipeline.Result, x lower.Expr) (string, error) {
	return "", nil
}
