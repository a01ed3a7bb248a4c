package dev.rosetta.model.name;

import static org.assertj.core.api.Assertions.assertThat;

import javax.management.MalformedObjectNameException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The JDK's own {@code javax.management.ObjectName} is the oracle for validity and canonical form. */
class ObjectNameTest {

  private static String jdkCanonical(String name) throws MalformedObjectNameException {
    return new javax.management.ObjectName(name).getCanonicalName();
  }

  private static boolean jdkAccepts(String name) {
    try {
      return !new javax.management.ObjectName(name).isPattern();
    } catch (MalformedObjectNameException e) {
      return false;
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.lang:type=Memory",
        "java.lang:type=MemoryPool,name=G1 Eden Space",
        "java.lang:name=G1 Eden Space,type=MemoryPool",
        "java.nio:type=BufferPool,name=direct",
        "x:type=a/b,name=c/d",
        "Catalina:type=ThreadPool,name=\"http-nio-8080\"",
        "d:k=\"a\\\"b\",a=\"x\\\\y\\n\\*\\?\"",
        "d:b=2,a=1,c=3,B=0",
        "d: key1 = value1 , key2 = value2",
        ":type=NoDomain",
        "d:empty=",
        "d:q=\"\"",
        "d:k=v!x{y}",
        "com.example:type=Cache,name=\"a,b=c:d\"",
      })
  void canonicalNameAgreesWithTheJdk(String name) throws MalformedObjectNameException {
    ParseResult<ObjectName> r = ObjectName.parse(name);
    assertThat(r.isOk()).as(String.valueOf(r)).isTrue();
    assertThat(r.value().canonicalName()).isEqualTo(jdkCanonical(name));
    assertThat(r.value().text()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "nocolon",
        "d:",
        "d:k",
        "d:k=v,",
        "d:=v",
        "d:k=v,k=w",
        "d:k=a=b",
        "d:k=a:b",
        "d:k=a\"b",
        "d:k=\"open",
        "d:k=\"bad\\x\"",
        "d:k=\"a\"b",
        "d:k=v*",
        "d:k=v?",
        "d:k=\"v*\"",
        "d*:k=v",
        "d:k=v,*",
        "d:*",
        "d:k?=v",
        "d:k=line\nbreak",
      })
  void rejectedLikeTheJdk(String name) {
    assertThat(jdkAccepts(name)).as("the JDK rejects (or sees a pattern in) " + name).isFalse();
    ParseResult<ObjectName> r = ObjectName.parse(name);
    assertThat(r.isOk()).as(name + " -> " + r).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "nocolon | 7 | missing ':' between the domain and the key properties",
        "d: | 2 | no key properties after ':'",
        "d:k=v, | 6 | missing key=value after ','",
        "d:k | 3 | key property \"k\" has no '=value'",
        "d:a,b=c | 3 | key property \"a\" has no '=value'",
        "d:=v | 2 | empty key before '='",
        "d:k=v,k=w | 6 | duplicate key \"k\"",
        "d:k=a=b | 5 | character '=' is not allowed in the unquoted value of key \"k\"",
        "d:k=\"open | 4 | quoted value of key \"k\" is not closed",
        "d:k=\"a\\xb\" | 6 | invalid escape in the quoted value of key \"k\"",
        "d:k=\"a\"b | 7 | expected ',' or the end after the quoted value of key \"k\"",
        "d:k=v* | 5 | wildcard '*' in the value of key \"k\"",
        "d:k=\"v?\" | 6 | unescaped wildcard '?' in the quoted value of key \"k\"",
        "d*:k=v | 1 | wildcard '*' in the domain",
        "d:k=v,* | 6 | '*' element",
      })
  void preciseErrors(String name, int position, String reason) {
    NameError e = ObjectName.parse(name).error();
    assertThat(e.position()).isEqualTo(position);
    assertThat(e.reason()).startsWith(reason);
    assertThat(e.input()).isEqualTo(name);
  }

  @Test
  void keyOrderIsNotSignificant() {
    ObjectName a = ObjectName.parse("java.lang:type=MemoryPool,name=G1 Old Gen").value();
    ObjectName b = ObjectName.parse("java.lang:name=G1 Old Gen,type=MemoryPool").value();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.text()).isNotEqualTo(b.text());
    assertThat(a.keys()).containsExactly("name", "type");
    assertThat(a.canonicalKeys()).isEqualTo("name,type");
    assertThat(a.canonicalName()).isEqualTo("java.lang:name=G1 Old Gen,type=MemoryPool");
  }

  @Test
  void quotedValuesKeepTheirQuotesInIdentityAndUnquoteOnRequest() {
    ObjectName n = ObjectName.parse("d:k=\"a\\\"b\\\\c\\nd\\*e\\?\",u=plain").value();
    int k = n.indexOf("k");
    assertThat(n.rawValue(k)).isEqualTo("\"a\\\"b\\\\c\\nd\\*e\\?\"");
    assertThat(n.value(k)).isEqualTo("a\"b\\c\nd*e?");
    assertThat(n.isQuoted(k)).isTrue();
    assertThat(n.value("u")).contains("plain");
    assertThat(n.isQuoted(n.indexOf("u"))).isFalse();
    assertThat(n.value("missing")).isEmpty();
    // quoted and unquoted spellings are different MBeans, as in JMX
    assertThat(ObjectName.parse("d:k=\"v\"").value()).isNotEqualTo(ObjectName.parse("d:k=v").value());
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "a\"b", "back\\slash", "new\nline", "star*", "q?", "", "a,b=c:d/e"})
  void quoteAndUnquoteRoundTrip(String value) throws MalformedObjectNameException {
    String quoted = ObjectName.quote(value);
    assertThat(quoted).isEqualTo(javax.management.ObjectName.quote(value));
    assertThat(ObjectName.unquote(quoted)).isEqualTo(value);
    ObjectName n = ObjectName.parse("d:k=" + quoted).value();
    assertThat(n.value(0)).isEqualTo(value);
    assertThat(n.canonicalName()).isEqualTo(jdkCanonical("d:k=" + quoted));
  }
}
