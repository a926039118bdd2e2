package dsys.gateway.wire;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Lets a message's head and its body leave in one write. Reactor Netty flushes the head of a request or answer
 * whose body is a stream (the gateway proxies every body as one) as soon as it is written, and the body in a later
 * task and flush of its own: two sends, and two wake-ups of the other side, for a 170-byte transfer. Here the head
 * of a message that declares a body waits for the next write on its connection, the body, and leaves with it in one
 * {@code writev}. A body that does not come within {@link #HOLD_MS} (an upstream that is slow to send it) finds
 * the head sent on its own, as before; nothing waits longer than that.
 */
public final class HeadWithBody extends ChannelDuplexHandler {

  public static final String NAME = "dsys.headWithBody";
  static final long HOLD_MS = 10;

  private boolean holding; // a head that declares a body was written; its flush waits for the body
  private ScheduledFuture<?> deadline;

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    holding = msg instanceof HttpMessage m && !(msg instanceof FullHttpMessage)
        && HttpUtil.getContentLength(m, -1L) > 0 && !HttpUtil.is100ContinueExpected(m);
    if (!holding) {
      ctx.write(msg, promise);
      return;
    }
    // Reactor Netty writes the body once the head's write has completed: so that one completes now, and a head that
    // then fails to leave closes the connection, which fails the body's write in its turn.
    ctx.write(msg).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) f.channel().close();
    });
    promise.trySuccess();
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (!holding) {
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
      ctx.flush();
    } else if (deadline == null) {
      deadline = ctx.executor().schedule(() -> {
        deadline = null;
        holding = false;
        ctx.flush();
      }, HOLD_MS, TimeUnit.MILLISECONDS);
    }
  }
}
