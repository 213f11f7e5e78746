package dsl_test

import (
	"testing"

	"github.com/sigconv/sigconv/verify/dsl"
	"github.com/sigconv/sigconv/verify/internal/estest"
)

func TestCorpus(t *testing.T) { estest.Corpus(t, dsl.New()) }
