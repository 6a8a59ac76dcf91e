//! The rows of the DynamoDB figures (round trips, the overview at scale, a customer's delete)
//! and of the local server under load, from what `dynamo` and `load` measure.

use crate::Bench;
use crate::dynamo;
use crate::report::{Table, ms, thousands, yes};
use anyhow::Result;

/// The "round trips" rows: every event's requests next to `docs/data-model.md`.
pub async fn trips(bench: &Bench, table: &mut Table) -> Result<()> {
    eprintln!("bench: round trips per endpoint");
    for r in dynamo::round_trips(&bench.conf, &bench.root).await? {
        let measured = match r.items {
            Some(n) => format!(
                "**{}** ({} items besides the customer) · answered {}",
                r.requests, n, r.status
            ),
            None => format!("**{}** · answered {}", r.requests, r.status),
        };
        let target = match r.items {
            Some(n) => format!("doc: {} → ≤ {}", r.documented, dynamo::delete_floor(n)),
            None => format!("doc: {}", r.documented),
        };
        table.row(
            "round trips",
            format!("{} ({})", r.endpoint, r.event),
            measured,
            target,
            yes(r.at_floor),
        );
    }
    Ok(())
}

/// The "scale" rows: the overview's first page at 1,000 customers and at the size reached.
pub async fn scale(bench: &Bench, table: &mut Table) -> Result<()> {
    let args = &bench.args;
    eprintln!(
        "bench: overview at scale (up to {} customers, budget {:?})",
        args.scale, args.scale_budget
    );
    let s = dynamo::scale(&bench.conf, args.scale, args.scale_budget).await?;
    // The cost that must not grow with the table.
    let cost = |p: &dynamo::OverviewAt| {
        (
            p.items_read,
            p.scanned,
            p.bytes.div_ceil(4096),
            p.list_requests,
        )
    };
    let base = s.points.first().map(cost);
    for p in &s.points {
        let mut subject = format!(
            "overview first page (limit 25) at {} customers",
            thousands(p.customers)
        );
        if s.budget_hit && p.customers < s.wanted {
            subject.push_str(&format!(
                " (writing {} did not fit the time budget)",
                thousands(s.wanted)
            ));
        }
        table.row(
            "scale",
            subject,
            format!(
                "{} items read ({} scanned), {:.1} KB → {:.1} RCU (DynamoDB, eventually consistent); moto's ConsumedCapacity {} · Query {} · `customers::list` {} with {} request(s)",
                p.items_read,
                p.scanned,
                p.bytes as f64 / 1000.0,
                p.rcu_estimate,
                p.moto_capacity.map(|c| format!("{c} (a constant in moto)")).unwrap_or_else(|| "not reported".into()),
                ms(p.query_time),
                ms(p.list_time),
                p.list_requests
            ),
            "same cost at 1k and 100k",
            yes(base == Some(cost(p))),
        );
    }
    table.row(
        "scale",
        "writing customers into moto (BatchWriteItem)",
        format!("{:.0} items/s", s.insert_rate),
        "—",
        "—",
    );
    Ok(())
}

/// The "delete" row: a customer with many business transactions.
pub async fn delete(bench: &Bench, table: &mut Table) -> Result<()> {
    let transactions = bench.args.transactions;
    eprintln!("bench: delete a customer with {transactions} transactions");
    let d = dynamo::delete(&bench.conf, transactions).await?;
    table.row(
        "delete",
        format!(
            "customer with {} business transactions ({} items besides the customer)",
            thousands(d.transactions),
            thousands(d.items)
        ),
        format!(
            "**{}** round trips · {:.2} s against moto",
            d.requests, d.seconds
        ),
        format!("≤ ceil({}/25) + 3 = {}", d.items, d.floor),
        yes(d.requests <= d.floor),
    );
    Ok(())
}

/// The "local server" rows: loopback load with wrk per path.
pub async fn load(bench: &Bench, table: &mut Table) -> Result<()> {
    let Some(server) = &bench.args.local_server else {
        table.row(
            "local server",
            "load",
            "skipped: no --local-server",
            "—",
            "—",
        );
        return Ok(());
    };
    let secs = bench.args.load_secs;
    eprintln!("bench: local server, {secs} s of wrk per path");
    for l in crate::load::run(server, &bench.root, secs, 8, &bench.work).await? {
        table.row(
            "local server",
            format!("`GET {}` (wrk -t1 -c8, {secs} s)", l.path),
            format!(
                "**{:.0} req/s** · p50 {:.2} ms · p99 {:.2} ms · {} requests, {} not 2xx",
                l.rps, l.p50_ms, l.p99_ms, l.requests, l.non_2xx
            ),
            "—",
            if l.non_2xx == 0 { "—" } else { "**errors**" },
        );
    }
    Ok(())
}
