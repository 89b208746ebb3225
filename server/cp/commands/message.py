"""MESSAGE/MSG and WARNING (reference/cp-cms.md 5.21 and section 6).

A message is delivered only to a user who is logged on, connected and
receiving (SET MSG ON, or SET WNG ON for warnings); otherwise the sender is
told and nothing is queued. The receiver sees the time and
``MSG FROM userid: text`` (``WNG FROM`` for warnings). On a display the
alarm sounds with it (R6 CP Command Reference, MESSAGE usage note 4: "a 3277
virtual console that has the alarm feature").
"""

from __future__ import annotations

from server.cp.context import CommandContext
from server.cp.messages import CPError, not_logged_on, operand_missing
from server.cp.registry import ANY, command
from server.cp.system import System
from server.cp.user import User


def sender_name(ctx: CommandContext) -> str:
    """The userid, or ``LOGONnnn`` for a terminal that has not logged on."""
    if ctx.session.user is not None:
        return ctx.session.user.userid
    return f"LOGON{ctx.session.raddr:03X}"


def resolve_target(ctx: CommandContext, target: str, module: str) -> User:
    system = ctx.system
    if target == "*":
        if ctx.session.user is None:
            raise not_logged_on(module, sender_name(ctx))
        return ctx.session.user
    userid = system.operator_userid if target in ("OP", "OPERATOR") else target
    user = system.find_user(userid)
    if user is None:
        raise not_logged_on(module, userid)
    return user


def deliver(system: System, kind: str, sender: str, receiver: User, text: str) -> None:
    now = system.clock.now()
    receiver.write(f"{now:%H:%M:%S} {kind} FROM {sender}: {text}", message=True)


@command(
    "MESSAGE",
    minimum=1,
    classes=ANY,
    prelogon=True,
    aliases=(("MSG", 3),),
    syntax="Message|Msg userid|*|OPerator msgtext",
)
async def message(ctx: CommandContext) -> None:
    if not ctx.operands:
        raise operand_missing("MSG")
    target = ctx.operands[0]
    text = ctx.text.split(None, 1)[1] if len(ctx.text.split(None, 1)) > 1 else ""
    receiver = resolve_target(ctx, target, "MSG")
    if receiver.session is None:
        raise CPError("MSG", 57, f"{receiver.userid} NOT RECEIVING; DISCONNECTED", "W")
    if not receiver.settings.msg:
        raise CPError("MSG", 57, f"{receiver.userid} NOT RECEIVING; MSG OFF", "W")
    deliver(ctx.system, "MSG", sender_name(ctx), receiver, text)


@command("WARNING", minimum=4, classes="AB", syntax="WARNing userid|ALL|OPerator msgtext")
async def warning(ctx: CommandContext) -> None:
    if not ctx.operands:
        raise operand_missing("MSG")
    target = ctx.operands[0]
    parts = ctx.text.split(None, 1)
    text = parts[1] if len(parts) > 1 else ""
    sender = ctx.user.userid
    if target == "ALL":
        for receiver in list(ctx.system.users.values()):
            if receiver.session is not None and receiver.settings.wng:
                deliver(ctx.system, "WNG", sender, receiver, text)
        return
    receiver = resolve_target(ctx, target, "MSG")
    if receiver.session is None:
        raise CPError("MSG", 57, f"{receiver.userid} NOT RECEIVING; DISCONNECTED", "W")
    if not receiver.settings.wng:
        raise CPError("MSG", 57, f"{receiver.userid} NOT RECEIVING; WNG OFF", "W")
    deliver(ctx.system, "WNG", sender, receiver, text)


def message_text(ctx: CommandContext) -> str:
    parts = ctx.text.split(None, 1)
    return parts[1] if len(parts) > 1 else ""


@command("MSGNOH", classes="B", syntax="MSGNOH userid|*|OPerator msgtext")
async def msgnoh(ctx: CommandContext) -> None:
    """A message shown without the ``MSG FROM`` header (for service machines such as RSCS)."""
    if not ctx.operands:
        raise operand_missing("MSG")
    receiver = resolve_target(ctx, ctx.operands[0], "MSG")
    if receiver.session is None:
        raise CPError("MSG", 57, f"{receiver.userid} NOT RECEIVING; DISCONNECTED", "W")
    if not receiver.settings.msg:
        raise CPError("MSG", 57, f"{receiver.userid} NOT RECEIVING; MSG OFF", "W")
    receiver.write(message_text(ctx), message=True)


@command("SMSG", minimum=2, syntax="SMsg userid|* msgtext")
async def smsg(ctx: CommandContext) -> None:
    """A special message for a virtual machine that receives them (SET SMSG ON)."""
    if not ctx.operands:
        raise operand_missing("MSG")
    receiver = resolve_target(ctx, ctx.operands[0], "MSG")
    vm = receiver.vm
    # SMSG reaches a guest through VMCF; vm370's Python guests get it on their guest
    # interface. An S/370 guest has no VMCF here, so it is never receiving.
    if not receiver.settings.smsg or vm is None or vm.guest_name is None:
        raise CPError("MSG", 57, f"{receiver.userid} NOT RECEIVING; SMSG OFF", "W")
    vm.smsg.put_nowait((sender_name(ctx), message_text(ctx)))
