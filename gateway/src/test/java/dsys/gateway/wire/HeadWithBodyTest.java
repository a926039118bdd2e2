package dsys.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What reaches the socket, in which flush: the outbound messages of an embedded channel after each step. */
class HeadWithBodyTest {

  private EmbeddedChannel channel;

  @BeforeEach
  void open() {
    channel = new EmbeddedChannel(new HeadWithBody());
    channel.freezeTime();
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private static HttpResponse head(Long contentLength) {
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    if (contentLength != null) r.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
    return r;
  }

  private static ByteBuf body(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
  }

  @Test
  void aHeadThatDeclaresABodyLeavesWithIt() {
    ChannelFuture headWritten = channel.writeAndFlush(head(5L));
    // the head's write is done at once (Reactor Netty writes the body only then), but nothing left yet
    assertThat(headWritten.isSuccess()).isTrue();
    assertThat(channel.outboundMessages()).isEmpty();

    channel.writeAndFlush(body("hello"));
    assertThat(channel.outboundMessages()).hasSize(2);
    assertThat((Object) channel.readOutbound()).isInstanceOf(HttpResponse.class);
    ByteBuf b = channel.readOutbound();
    assertThat(b.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
    b.release();

    channel.advanceTimeBy(HeadWithBody.HOLD_MS * 2, TimeUnit.MILLISECONDS); // the deadline was called off
    channel.runScheduledPendingTasks();
    assertThat(channel.outboundMessages()).isEmpty();
  }

  @Test
  void aHeadWithoutADeclaredBodyLeavesAtOnce() {
    channel.writeAndFlush(head(null));
    assertThat(channel.outboundMessages()).hasSize(1);
    channel.readOutbound();
    channel.writeAndFlush(head(0L));
    assertThat(channel.outboundMessages()).hasSize(1);
  }

  @Test
  void aWholeMessageLeavesAtOnce() {
    channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body("hi")));
    assertThat(channel.outboundMessages()).hasSize(1);
  }

  @Test
  void aHeadWhoseBodyDoesNotComeLeavesAloneAfterTheHold() {
    channel.writeAndFlush(head(5L));
    channel.advanceTimeBy(HeadWithBody.HOLD_MS - 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.outboundMessages()).isEmpty();

    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.outboundMessages()).hasSize(1);

    channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT); // a body after the hold goes out on its own flush
    assertThat(channel.outboundMessages()).hasSize(2);
  }

  @Test
  void aHeadThatFailsToLeaveClosesTheConnection() {
    EmbeddedChannel failing = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ReferenceCountUtil.release(msg);
        promise.setFailure(new IOException("broken pipe"));
      }
    }, new HeadWithBody());
    failing.writeAndFlush(head(5L));
    assertThat(failing.isOpen()).isFalse();
    failing.finishAndReleaseAll();
  }
}
