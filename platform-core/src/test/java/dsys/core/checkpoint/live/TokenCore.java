package dsys.core.checkpoint.live;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

/**
 * A toy core to checkpoint: a node holds tokens and gives some to another, one message per gift, never sent again
 * (so a message in flight is money only the channel holds: a snapshot must record it). Everything is on stable
 * storage under {@value #SCOPE}: {@code bal}, {@code sent/<id>} = {@code to:amount}, {@code got/<id>} =
 * {@code from:amount} (a duplicate is recognised by its id). Tokens are conserved: balances plus gifts sent and not
 * yet received are what there was.
 */
final class TokenCore implements Core {

    static final String SCOPE = "tok/";
    static final long OPENING = 100;

    /** A client asks: give {@code amount} to {@code to}, the gift named {@code id}. */
    record Give(String id, String to, long amount) {
    }

    record Gift(String id, long amount) implements Message {
    }

    private final Env env;

    TokenCore(Env env) {
        this.env = env;
    }

    @Override
    public void onStart() {
        if (env.storage().get(SCOPE + "bal").isEmpty()) env.storage().put(SCOPE + "bal", Long.toString(OPENING));
    }

    @Override
    public void onRecover() {
        onStart();
    }

    private long balance() {
        return Long.parseLong(env.storage().get(SCOPE + "bal").orElseThrow());
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if (!(body instanceof Give g)) {
            env.reply(request, Rejection.badRequest("not a gift"));
            return;
        }
        if (g.amount() > balance()) {
            env.reply(request, Rejection.conflict("insufficient", "only " + balance()));
            return;
        }
        env.storage().put(SCOPE + "bal", Long.toString(balance() - g.amount()));
        env.storage().put(SCOPE + "sent/" + g.id(), g.to() + ":" + g.amount());
        env.send(NodeId.of(g.to()), new Gift(g.id(), g.amount()));
        env.reply(request, "given");
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (!(m instanceof Gift g) || env.storage().get(SCOPE + "got/" + g.id()).isPresent()) return;
        env.storage().put(SCOPE + "bal", Long.toString(balance() + g.amount()));
        env.storage().put(SCOPE + "got/" + g.id(), from.value() + ":" + g.amount());
    }
}
