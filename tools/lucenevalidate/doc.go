// Package lucenevalidate checks Lucene query_string queries with Lucene's
// own classic QueryParser (Debian's liblucene8-java and a JDK): Validate
// compiles LuceneValidate.java into a temporary directory and runs it over
// the queries. The tests validate every Lucene query of the golden files
// and of the SigmaHQ corpus converted with the lucene target; they skip
// when java, javac or the Lucene jars are missing (install with
// `apt-get install default-jdk-headless liblucene8-java`). The corpus test
// runs when LUCENEVALIDATE_CORPUS is set, as ci.sh does.
package lucenevalidate
