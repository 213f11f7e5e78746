package esql_test

import (
	"testing"

	"github.com/sigconv/sigconv/verify/esql"
	"github.com/sigconv/sigconv/verify/internal/estest"
)

func TestCorpus(t *testing.T) { estest.Corpus(t, esql.New()) }
