package dev.rosetta.receiver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BasicAuthenticatorTest {
  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** An executor that keeps the tasks until run() is called: shows which checks left the caller's thread. */
  static final class Deferred implements Executor {
    final List<Runnable> tasks = new ArrayList<>();

    @Override
    public void execute(Runnable r) {
      tasks.add(r);
    }

    void runAll() {
      List<Runnable> now = new ArrayList<>(tasks);
      tasks.clear();
      now.forEach(Runnable::run);
    }
  }

  static BasicAuthenticator.Users users(String text) throws Exception {
    return BasicAuthenticator.Users.of(Htpasswd.parse(text));
  }

  @Test
  void bcryptChecksLeaveTheCallingThreadAndSuccessIsRemembered() throws Exception {
    String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(6, "pw".toCharArray());
    BasicAuthenticator.Users users = users("prometheus:" + hash + "\n");
    Deferred verifier = new Deferred();
    BasicAuthenticator a = new BasicAuthenticator("basicauth", () -> users, verifier);

    CompletableFuture<Verdict> first = a.authenticate(basic("prometheus", "pw"));
    assertThat(first).as("a bcrypt check is not done on the calling thread").isNotDone();
    verifier.runAll();
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(Verdict.ACCEPTED);
    assertThat(a.remembered()).isEqualTo(1);

    CompletableFuture<Verdict> again = a.authenticate(basic("prometheus", "pw"));
    assertThat(again).as("the same credential again is decided at once").isDone();
    assertThat(again.join()).isEqualTo(Verdict.ACCEPTED);

    CompletableFuture<Verdict> wrong = a.authenticate(basic("prometheus", "pW"));
    assertThat(wrong).isNotDone();
    verifier.runAll();
    assertThat(wrong.join()).isEqualTo(Verdict.INVALID);

    CompletableFuture<Verdict> unknown = a.authenticate(basic("nobody", "pw"));
    assertThat(unknown).as("an unknown user costs a check too (the decoy)").isNotDone();
    verifier.runAll();
    assertThat(unknown.join()).isEqualTo(Verdict.INVALID);
    assertThat(a.remembered()).isEqualTo(1);
  }

  @Test
  void aChangedPasswordEntryIsCheckedAgain() throws Exception {
    BasicAuthenticator.Users[] current = {users("u:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n")};
    BasicAuthenticator a = new BasicAuthenticator("basicauth", () -> current[0], Runnable::run);
    assertThat(a.authenticate(basic("u", "secret")).join()).isEqualTo(Verdict.ACCEPTED);
    current[0] = users("u:other\n");
    assertThat(a.authenticate(basic("u", "secret")).join()).isEqualTo(Verdict.INVALID);
    assertThat(a.authenticate(basic("u", "other")).join()).isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void malformedAndMissingCredentials() throws Exception {
    BasicAuthenticator.Users u = users("u:p\n");
    BasicAuthenticator a = new BasicAuthenticator("basicauth", () -> u, Runnable::run);
    assertThat(a.authenticate(null).join()).isEqualTo(Verdict.MISSING);
    assertThat(a.authenticate("Bearer abc").join()).isEqualTo(Verdict.MALFORMED);
    assertThat(a.authenticate("Basic !!!").join()).isEqualTo(Verdict.MALFORMED);
    assertThat(a.authenticate("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)))
        .join()).isEqualTo(Verdict.MALFORMED);
    assertThat(a.authenticate(basic("u", "p").replace("Basic", "basic")).join()).isEqualTo(Verdict.ACCEPTED);
    assertThat(a.authenticate(basic("u", "p:q")).join()).isEqualTo(Verdict.INVALID);
    assertThat(a.challenge()).hasValue("Basic realm=\"rosetta\", charset=\"UTF-8\"");
  }

  @Test
  void aSaturatedVerifierAnswersBusy() throws Exception {
    BasicAuthenticator.Users u = users("u:" + BCrypt.withDefaults().hashToString(4, "p".toCharArray()) + "\n");
    BasicAuthenticator a = new BasicAuthenticator("basicauth", () -> u, r -> {
      throw new RejectedExecutionException("full");
    });
    assertThat(a.authenticate(basic("u", "p")).join()).isEqualTo(Verdict.BUSY);
  }
}
