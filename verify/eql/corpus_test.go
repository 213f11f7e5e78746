package eql_test

import (
	"testing"

	"github.com/sigconv/sigconv/verify/eql"
	"github.com/sigconv/sigconv/verify/internal/estest"
)

func TestCorpus(t *testing.T) { estest.Corpus(t, eql.New()) }
