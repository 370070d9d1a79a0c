/*
 * The life of a red packet, model-checked with spin: every interleaving of the items, the
 * payout processes on one ledger, the red packet server, the network, crashes, time and
 * the operator's reissues, within the bounds below. Scripts/modelcheck runs it (Scripts/test does, first);
 * ItemStateMachineTests holds its transition table to the Swift one and shows that spin
 * finds bugs planted in copies of it.
 *
 * The properties (ltl below), each searched exhaustively:
 *   one_payment_per_item        never two payments for one item, net of refunds: a second
 *                               payment only after the first packet was refunded (and
 *                               the item reissued);
 *   paid_under_its_bill_number  every payment of an item is under the bill number the
 *                               ledger holds for it, or under a number reissue retired
 *                               after its packet was refunded: a paid item whose packet
 *                               was not refunded never gets a new number;
 *   failed_means_unpaid         an item this payout marks `failed` was not paid under its
 *                               number;
 *   retired_numbers_stay_retired  no item ever holds a number reissue retired: each
 *                               reissue gives a new one (under the old number the server
 *                               would answer the refunded packet's old SUCCESS, and the
 *                               item would be `sent` with nothing paid);
 *   every_item_settles          if the server completes every payment it answered
 *                               PROCESSING (its answers are otherwise definite beyond the
 *                               fault budget), every item ends `sent` or `failed` for good
 *                               (after the operator's last reissue);
 * and, by assertion in every search, that payout never asks the ledger for a state change
 * the transition table does not list, nor records an answer under a bill number the item
 * does not hold (Ledger.record refuses either, and the run would die).
 *
 * What the model keeps of the Swift code:
 *   ledger     what a crash keeps (Ledger+Work.swift): each item's state; its bill number,
 *              given at claim in the transaction that marks it `sending`; whether the last
 *              err_code was FATAL_ERROR; whether its failure's err_code proves it unpaid
 *              (ErrorCode.provenUnpaid: every failure this payout records does); the numbers
 *              reissue retired (bill_history). Age is kept per bill number, from its claim
 *              or reissue: the ledger reads it from claimed_at, which release and reissue
 *              clear and markSending sets again just before the next request (the item
 *              then ages from there, later), so the model's item is never younger than
 *              payout's — which only makes settling come sooner. markSending is `claim`'s
 *              pending → sending for an item that keeps its number; the model sends such an
 *              item from `pending`, a state a crash leaves at least as open. The ledger may come from the first release, which marked an
 *              item `failed` on FATAL_ERROR or on the expired-number answer although its
 *              number had paid: a failure that proves nothing.
 *   Runner     a payout process (Runner, RunState, Settlement, RetryPolicy). Runner(1) is the
 *              operator's: it runs again after a crash or a stopped run until every item is
 *              final, and between runs may reconcile and reissue. Runner(2) is a second process started while a run holds the ledger:
 *              RunLock refuses it. A run takes the lock, loads the open items (openWork),
 *              claims the never-tried ones, and works on one item at a time: gethbinfo first
 *              when RetryPolicy.needsQuery says so, then what Settlement concludes, else a
 *              send and what Runner.commit records. It stops on a stop-run answer or a
 *              Ctrl-C, releasing the claimed items it never sent. (The Swift run keeps up
 *              to 32 requests in flight; items share nothing at the server but the run.)
 *   Server     sendredpack and gethbinfo: a new number is paid, accepted (PROCESSING) or
 *              refused for the item (SEND_FAILED, OPENID_ERROR, MONEY_LIMIT...); re-entry
 *              with the same fields answers the first result; a number holding another
 *              payment answers FATAL_ERROR; a number never accepted and past its 24 hours
 *              answers 该订单已经过期 (unknown).
 *   Processor  the server completing, as paid or failed, a payment it answered PROCESSING.
 *   refund     the server refunding a paid packet nobody claimed (gethbinfo then says
 *              REFUND, which still means paid, and re-entry still answers SUCCESS), found
 *              by `payout reconcile` (see `refund` below for where it happens).
 *   Reissue    `payout reissue` (Ledger.reissue), the operator's, between runs: it holds
 *              the lock and is one transaction. Only on proof of non-payment — a failed
 *              item whose err_code proves it unpaid, or a sent one whose packet reconcile
 *              found refunded (gethbinfo's REFUND, which never changes: the model reads
 *              the server's record) — and always under a new number from the allocator,
 *              the old one retired for good (bill_history). The reissued item is `pending`
 *              under its new number, and the operator's next run sends it.
 *   network    SLOTS requests on the wire, reaching the server in any order and however
 *              late: after the runner gave up, crashed or started again.
 *   time       passes where it is read: before each attempt (an item may skip from young
 *              to expired) and when a request for a number never accepted arrives late.
 *   Crash      kills a run at any step (the `unless` around the run).
 *
 * Nondeterministic: which process moves; what the server does with a new number; whether
 * it answers FATAL_ERROR for a number holding our own payment sent with other texts;
 * whether another ledger of the merchant already used the first number this one gives;
 * whether a young retrying item lingered (3 unknowns or PROCESSING: gethbinfo first); and,
 * within MAX_FAULTS, every fault: a stop-run answer (NOTENOUGH, SIGN_ERROR, TLS refused;
 * nothing done), a lost answer (the server acted), a timeout that leaves the request on the
 * wire (also standing for SYSTEMERROR, throttles, TIME_LIMITED, a gethbinfo error or an
 * answer about another bill number: nothing proven), a request delivered twice, a Ctrl-C
 * (or --no-wait, or retries used up for this run).
 *
 * The bounds: ITEMS items, MAX_FAULTS faults, MAX_CRASHES crashes and MAX_REISSUES reissues
 * in all, 4 bill numbers (a reissue needs one left), 3 requests on the wire; ages stop at
 * expired (gethbinfo's 30-day reach is not modelled).
 *
 * Assumed of the server, not checked: it pays at most once per bill number; a number it
 * refused an item under stays refused for that item; a number it has not accepted 24
 * hours after payout claimed it is never accepted (the contract's "NOT_FOUND more than 24
 * hours after the first request: never accepted"); and a refund returns the whole packet
 * and is never undone.
 */

#ifndef ITEMS
#define ITEMS        2
#endif
#define BILLS        5     /* bill numbers 1..4; 0 = none yet */
#define SLOTS        3
#ifndef MAX_FAULTS
#define MAX_FAULTS   2
#endif
#ifndef MAX_CRASHES
#define MAX_CRASHES  1
#endif
#ifndef MAX_REISSUES
#define MAX_REISSUES 1
#endif
#define NOBODY       0     /* runners are 1 and 2 */

/* ItemState and ItemEvent: the states of an item, and what moves it. */
mtype:state = { pending, sending, retrying, sent, failed };
mtype:event = { claim, release, paid, unpaid, unknown, reissue };

/*
 * The transition table. The model changes an item's state only through `step`, which
 * asserts that the change is listed here. ItemStateMachineTests reads these TRANSITION
 * lines and checks them, both ways, against ItemTransition.all (Ledger/ItemTransition.swift).
 */
#define TRANSITION(f, e, t) || (t_from == f && t_event == e && t_to == t)
#define LISTED (false \
    TRANSITION(pending,  claim,   sending)  \
    TRANSITION(sending,  release, pending)  \
    TRANSITION(pending,  paid,    sent)     \
    TRANSITION(pending,  unpaid,  failed)   \
    TRANSITION(pending,  unknown, retrying) \
    TRANSITION(sending,  paid,    sent)     \
    TRANSITION(sending,  unpaid,  failed)   \
    TRANSITION(sending,  unknown, retrying) \
    TRANSITION(retrying, paid,    sent)     \
    TRANSITION(retrying, unpaid,  failed)   \
    TRANSITION(retrying, unknown, retrying) \
    TRANSITION(failed,   reissue, pending)  \
    TRANSITION(sent,     reissue, pending)  \
    )

hidden mtype:state t_from, t_to;
hidden mtype:event t_event;

/* What the server says. */
mtype:answer = {
    a_none,        /* no answer: timeout, connection lost */
    a_success, a_processing, a_refused, a_fatal, a_unknown, a_stop,
    q_notfound, q_paid, q_sending, q_failed, q_other
};

/* The server's record under a bill number. */
#define NONE        0
#define PROCESSING  1
#define PAID        2
#define REFUSED     3
#define FOREIGN     4      /* another payment: another ledger or system used the number */
#define REFUNDED    5      /* our payment, its packet refunded unclaimed */
#define paidRecord(b)   (rec[b] == PAID || rec[b] == REFUNDED)

#define FREE   0           /* a network slot */
#define SEND   1
#define QUERY  2

#define YOUNG    0
#define OLD      1         /* first request more than 20 h ago */
#define EXPIRED  2         /* more than 24 h ago */

/* ---- the ledger: what survives a crash ---- */
mtype:state st[ITEMS];
byte bill[ITEMS];
bool fatal[ITEMS];         /* err_code FATAL_ERROR, kept until a final outcome */
bool proven[ITEMS];        /* failed with an err_code that proves it unpaid (ErrorCode.provenUnpaid) */
byte nextBill = 1;         /* bill_sequences */
byte retired;              /* bill_history: bit b set, reissue replaced number b */
byte firstRelease;         /* bit b set: the first release marked the item holding number b
                            * failed, proving nothing (its doing, not this payout's:
                            * failed_means_unpaid does not speak of it) */

/* ---- the lock ---- */
byte lock = NOBODY;
#define lockFree (lock == NOBODY)

/* ---- the server ---- */
byte rec[BILLS];
byte owner[BILLS];         /* the item whose fields a record holds */
byte billAge[BILLS];       /* YOUNG, OLD, EXPIRED: since payout claimed the number */
byte paidCount[ITEMS];
byte paidBills[ITEMS];     /* bit b set: the item was paid under bill number b */
byte refundCount[ITEMS];
byte refunded;             /* bit b set: the packet paid under number b was refunded */

/* ---- the network ---- */
byte qkind[SLOTS];
byte qitem[SLOTS];
byte qbill[SLOTS];
byte qwho[SLOTS];          /* the runner waiting for the answer; NOBODY once it gave up */
mtype:answer reply[3];
bool answered[3];

/* ---- the environment ---- */
byte faults;
byte crashes;
byte reissues;
bool inRun[3];
bool kill[3];

#define final(i)        (st[i] == sent || st[i] == failed)
#define open(i)         ((bill[i] != 0 && !final(i)) -> (1 << i) : 0)
#define hasBill(i)      (bill[i] != 0)
#define onePayment(i)   (paidCount[i] <= 1 + refundCount[i])
#if ITEMS == 1
#define ALL(p)          (p(0))
#define UNION(p)        (p(0))
#else
#define ALL(p)          (p(0) && p(1))
#define UNION(p)        (p(0) | p(1))
#endif
#define allFinal        ALL(final)
#define completed(b)    (rec[b] != PROCESSING)
/* A number is PROCESSING at most once, so "infinitely often none is" is "each one completes". */
#define allCompleted    (completed(1) && completed(2) && completed(3) && completed(4))
#define heldBill(i)     ((paidBills[i] & ~((1 << bill[i]) | (retired & refunded))) == 0)
#define unpaidIfFailed(i) (st[i] != failed || (firstRelease & (1 << bill[i])) != 0 || (paidBills[i] & (1 << bill[i])) == 0)
#define notRetired(i)   ((retired & (1 << bill[i])) == 0)
#define mayFault        (faults < MAX_FAULTS)

ltl one_payment_per_item         { [] ALL(onePayment) }
ltl paid_under_its_bill_number   { [] ALL(heldBill) }
ltl failed_means_unpaid          { [] ALL(unpaidIfFailed) }
ltl retired_numbers_stay_retired { [] ALL(notRetired) }
ltl every_item_settles           { ([]<> allCompleted) -> (<>[] allFinal) }

/* Item i moves to state t on event e: only as the table allows. */
inline step(e, t) {
    t_from = st[i]; t_event = e; t_to = t;
    assert(LISTED);
    st[i] = t
}

/* Ledger.record: one transaction, refused for a bill number the item does not hold. The
 * attempt ends here: its scratch variables are cleared so that states differ only in what
 * matters. */
inline record(e, t, isFatal, isStop) {
    atomic {
        assert(bill[i] == b);
        step(e, t);
        if
        :: isFatal -> fatal[i] = true
        :: else -> skip
        fi;
        if
        :: t == sent || t == failed -> mine = mine & ~(1 << i); fatal[i] = false; proven[i] = (t == failed)
        :: else -> skip
        fi;
        if
        :: isStop -> stopping = true
        :: else -> skip
        fi;
        i = 0; b = 0; ag = 0; lst = 0; a = 0; lfatal = false; query = false
    }
}

/* One HTTP exchange: the request goes on the wire; the runner waits for its answer or gives
 * up (a timeout that leaves the request to arrive late). */
inline exchange(kind) {
    atomic {
        (qkind[0] == FREE || qkind[1] == FREE || qkind[2] == FREE);
        if
        :: qkind[0] == FREE -> k = 0
        :: else -> if
                   :: qkind[1] == FREE -> k = 1
                   :: else -> k = 2
                   fi
        fi;
        qkind[k] = kind; qitem[k] = i; qbill[k] = b; qwho[k] = me;
        answered[me] = false; reply[me] = a_none
    };
    if
    :: atomic { answered[me] -> a = reply[me]; answered[me] = false; reply[me] = a_none; k = 0 }
    :: atomic {
           mayFault -> faults++; a = a_none; answered[me] = false; reply[me] = a_none;
           if :: qwho[k] == me -> qwho[k] = NOBODY :: else -> skip fi;
           k = 0
       }
    fi
}

/* What proves item i holds no payment, as `payout reissue` sees it: a failure whose err_code
 * proves it unpaid (ReissueSelection, and the ledger's bill_history_proves_unpaid trigger),
 * or, with --refunded, a sent item whose packet gethbinfo says was refunded. */
#define reissuable(i)   ((st[i] == failed && proven[i]) || \
                         (st[i] == sent && rec[bill[i]] == REFUNDED && owner[bill[i]] == i))

/* Ledger.reissue, for item i: one transaction. Its number goes into bill_history for good,
 * and the item is `pending` under a new number from the allocator that claim uses. */
inline reissueItem() {
    step(reissue, pending);
    retired = retired | (1 << bill[i]); bill[i] = nextBill; nextBill++;
    proven[i] = false; reissues++
}

/* Nobody claimed the packet of sent item i: the server refunded it, and `payout reconcile`
 * finds that out (between runs, under the lock). The refund itself may come at any time
 * after the payment, but only reissue reads it — the server answers a refunded packet as
 * a paid one, and a refund changes nothing of what payout does — and a refund modelled
 * later only holds the properties to fewer refunds: so it happens here, where it is read. */
inline refund(i) {
    rec[bill[i]] = REFUNDED; refunded = refunded | (1 << bill[i]); refundCount[i]++
}
#define refundable(i)   (st[i] == sent && rec[bill[i]] == PAID && owner[bill[i]] == i)
#define mayReissue      (operator && lockFree && reissues < MAX_REISSUES && nextBill < BILLS)

proctype Runner(byte me; bool operator) {
    byte i, b, k, ag, mine, unsent;
    mtype:state lst;
    mtype:answer a;
    bool lfatal, stopping, query;

    /* the second process starts while the first one's run holds the ledger: RunLock
     * refuses it (RunLock.Held) and it exits; without the lock it would run beside it */
end_start:
    if
    :: operator
    :: atomic { !operator && inRun[1] -> if :: !lockFree -> goto gone :: else -> skip fi }
    fi;
end_idle:
    do
    :: allFinal -> break
    /* payout reconcile and payout reissue: the operator's, between runs, holding the lock */
    :: atomic { mayReissue && refundable(0) -> refund(0) }
    :: atomic { mayReissue && reissuable(0) -> i = 0; reissueItem() }
#if ITEMS == 2
    :: atomic { mayReissue && refundable(1) -> refund(1) }
    :: atomic { mayReissue && reissuable(1) -> i = 1; reissueItem(); i = 0 }
#endif
    :: atomic {
           !allFinal && lockFree -> lock = me; inRun[me] = true; stopping = false; unsent = 0;
           /* openWork: items with a bill number and no final outcome */
           mine = UNION(open)
       };
       {
           do
           :: stopping -> break
           :: !stopping && mine == 0 && ALL(hasBill) -> break   /* complete */
           :: atomic {
                  /* claim: every never-tried item gets its bill number, committed before any request */
                  !stopping && unsent == 0 && !ALL(hasBill) ->
                  i = 0;
                  do
                  :: i < ITEMS && bill[i] == 0 ->
                         step(claim, sending); bill[i] = nextBill; nextBill++;
                         mine = mine | (1 << i); unsent = unsent | (1 << i); i++
                  :: i < ITEMS && bill[i] != 0 -> i++
                  :: i == ITEMS -> break
                  od
              }
           :: !stopping && mayFault -> atomic { faults++; stopping = true }   /* Ctrl-C, --no-wait, retries used up */
           :: !stopping && mine != 0 ->
              if
              :: mine & 1 -> i = 0
#if ITEMS == 2
              :: mine & 2 -> i = 1
#endif
              fi;
              /* Runner.attempt, with what the run knows of the item */
              atomic {
                  unsent = unsent & ~(1 << i);
                  lst = st[i]; lfatal = fatal[i]; b = bill[i];
                  /* time passes, as much as it likes: the item may be old or expired now */
                  if
                  :: skip
                  :: billAge[b] < EXPIRED -> billAge[b]++
                  :: billAge[b] == YOUNG -> billAge[b] = EXPIRED
                  fi;
                  ag = billAge[b];
                  /* RetryPolicy.needsQuery */
                  if
                  :: ag != YOUNG || (lst == retrying && lfatal) -> query = true
                  :: ag == YOUNG && lst == retrying && !lfatal -> query = true   /* lingering: 3 unknowns, PROCESSING */
                  :: ag == YOUNG && !(lst == retrying && lfatal) -> query = false
                  fi
              };
              if
              :: query ->
                 exchange(QUERY);
                 /* Settlement */
                 if
                 :: a == q_paid -> record(paid, sent, false, false)
                 :: a == q_failed -> record(unpaid, failed, false, false)
                 :: a == q_other -> record(unpaid, failed, false, false)                    /* BILLNO_CONFLICT */
                 :: a == q_notfound && ag == EXPIRED -> record(unpaid, failed, false, false) /* EXPIRED */
                 :: a == a_stop -> record(unknown, retrying, false, true)
                 :: else ->
                    /* unsettled: RetryPolicy.mayResendUnsettled */
                    if
                    :: !lfatal && (a == q_notfound || ag == YOUNG) -> goto resend
                    :: else -> record(unknown, retrying, false, false)
                    fi
                 fi
              :: else ->
resend:          exchange(SEND);
                 /* Runner.commit */
                 if
                 :: a == a_success -> record(paid, sent, false, false)
                 :: a == a_refused -> record(unpaid, failed, false, false)
                 :: a == a_fatal -> record(unknown, retrying, true, false)
                 :: a == a_stop -> record(unknown, retrying, false, true)
                 :: else -> record(unknown, retrying, false, false)   /* PROCESSING, no answer */
                 fi
              fi
           od;
           /* the run ends: claimed items never sent go back to pending with their numbers */
           atomic {
               i = 0;
               do
               :: i < ITEMS && (unsent & (1 << i)) && st[i] == sending ->
                      step(release, pending); i++
               :: i < ITEMS && !((unsent & (1 << i)) && st[i] == sending) -> i++
               :: i == ITEMS -> break
               od;
               inRun[me] = false; lock = NOBODY;
               if :: !operator -> goto gone :: else -> skip fi;
               i = 0; b = 0; k = 0; ag = 0; mine = 0; unsent = 0; lst = 0; a = 0;
               lfatal = false; stopping = false; query = false
           }
       } unless {
           /* a crash: the process dies wherever it is; the kernel drops its lock; its request,
            * if one is on the wire, still reaches the server */
           atomic {
               kill[me] -> kill[me] = false; inRun[me] = false; answered[me] = false; reply[me] = a_none;
               if :: qwho[0] == me -> qwho[0] = NOBODY :: else -> skip fi;
               if :: qwho[1] == me -> qwho[1] = NOBODY :: else -> skip fi;
               if :: qwho[2] == me -> qwho[2] = NOBODY :: else -> skip fi;
               if :: lock == me -> lock = NOBODY :: else -> skip fi;
               if :: !operator -> goto gone :: else -> skip fi;
               i = 0; b = 0; k = 0; ag = 0; mine = 0; unsent = 0; lst = 0; a = 0;
               lfatal = false; stopping = false; query = false
           }
       }
    od;
gone:
    skip
}

inline pay(item, number) {
    paidCount[item]++; paidBills[item] = paidBills[item] | (1 << number)
}

/* The server takes the request in slot k. */
inline serve(k) {
    i = qitem[k]; b = qbill[k]; w = qwho[k];
    if
    :: mayFault -> faults++; a = a_stop   /* NOTENOUGH, SIGN_ERROR, TLS refused...: nothing done */
    :: qkind[k] == SEND && rec[b] == NONE && billAge[b] < EXPIRED -> billAge[b] = EXPIRED; a = a_unknown  /* late: 该订单已经过期 */
    :: qkind[k] == SEND && rec[b] == NONE && billAge[b] == EXPIRED -> a = a_unknown   /* 该订单已经过期 */
    :: qkind[k] == SEND && rec[b] == NONE && billAge[b] != EXPIRED ->
       owner[b] = i;
       if
       :: rec[b] = PAID; pay(i, b); a = a_success
       :: rec[b] = PROCESSING; a = a_processing
       :: rec[b] = REFUSED; a = a_refused
       fi
    :: qkind[k] == SEND && rec[b] != NONE && (rec[b] == FOREIGN || owner[b] != i) -> a = a_fatal
    :: qkind[k] == SEND && paidRecord(b) && owner[b] == i -> a = a_success           /* re-entry */
    :: qkind[k] == SEND && rec[b] == PROCESSING && owner[b] == i -> a = a_processing
    :: qkind[k] == SEND && rec[b] == REFUSED && owner[b] == i -> a = a_refused
    :: qkind[k] == SEND && (paidRecord(b) || rec[b] == PROCESSING) && owner[b] == i -> a = a_fatal  /* other texts */
    :: qkind[k] == QUERY && rec[b] == NONE -> a = q_notfound
    :: qkind[k] == QUERY && rec[b] != NONE && (rec[b] == FOREIGN || owner[b] != i) -> a = q_other
    :: qkind[k] == QUERY && paidRecord(b) && owner[b] == i -> a = q_paid             /* SENT...REFUND */
    :: qkind[k] == QUERY && rec[b] == PROCESSING && owner[b] == i -> a = q_sending
    :: qkind[k] == QUERY && rec[b] == REFUSED && owner[b] == i -> a = q_failed
    fi;
    if
    :: w != NOBODY ->
       if
       :: reply[w] = a
       :: mayFault -> faults++; reply[w] = a_none   /* the server acted; its answer is lost */
       fi;
       answered[w] = true
    :: else -> skip
    fi;
    if
    :: qkind[k] = FREE; qitem[k] = 0; qbill[k] = 0; qwho[k] = NOBODY
    :: mayFault -> faults++; qwho[k] = NOBODY   /* the network delivers it again, later */
    fi;
    i = 0; b = 0; w = 0; a = 0
}

proctype Server() {
    byte i, b, w;
    mtype:answer a;
end_wait:
    do
    :: atomic { qkind[0] != FREE -> serve(0) }
    :: atomic { qkind[1] != FREE -> serve(1) }
    :: atomic { qkind[2] != FREE -> serve(2) }
    od
}

inline complete(number) {
    atomic {
        rec[number] == PROCESSING ->
        if
        :: rec[number] = PAID; pay(owner[number], number)
        :: rec[number] = REFUSED
        fi
    }
}

proctype Processor() {
end_wait:
    do
    :: complete(1)
    :: complete(2)
    :: complete(3)
    :: complete(4)
    od
}

proctype Crash() {
end_wait:
    do
    :: atomic { crashes < MAX_CRASHES && inRun[1] && !kill[1] -> crashes++; kill[1] = true }
    :: atomic { crashes < MAX_CRASHES && inRun[2] && !kill[2] -> crashes++; kill[2] = true }
    od
}

init {
    atomic {
        st[0] = pending;
#if ITEMS == 2
        st[1] = pending;
#endif
        reply[0] = a_none; reply[1] = a_none; reply[2] = a_none;
        if
        :: skip
        /* another ledger of the merchant may already have used a number this one will give */
        :: rec[1] = FOREIGN
        /* or the ledger comes from the first release, which marked item 0 failed on
         * FATAL_ERROR or the expired-number answer although its number 1 had paid */
        :: st[0] = failed; bill[0] = 1; nextBill = 2; firstRelease = 1 << 1;
           rec[1] = PAID; owner[1] = 0; pay(0, 1)
        fi;
        run Server(); run Processor(); run Crash();
        run Runner(1, true); run Runner(2, false)
    }
}
