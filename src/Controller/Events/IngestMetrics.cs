using Prometheus;

namespace HaCluster.Controller.Events;

/// <summary>The ingest's and the agent link's Prometheus series.</summary>
public sealed class IngestMetrics(IMetricFactory metrics)
{
    private readonly Counter _stored = metrics.CreateCounter("hacluster_controller_events_stored_total", "events stored in the history");
    private readonly Counter _duplicates = metrics.CreateCounter("hacluster_controller_events_duplicate_total", "agent events received again (replays) and not stored twice");
    private readonly Counter _rejected = metrics.CreateCounter("hacluster_controller_events_rejected_total", "events the database refused, dropped and logged");
    private readonly Counter _dropped = metrics.CreateCounter(
        "hacluster_controller_agent_messages_dropped_total", "malformed agent messages or events, dropped and logged", ["reason"]);
    private readonly Histogram _batchSeconds = metrics.CreateHistogram(
        "hacluster_controller_ingest_batch_seconds", "time to store one batch of events",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public void Stored(int count, TimeSpan took)
    {
        _stored.Inc(count);
        _batchSeconds.Observe(took.TotalSeconds);
    }

    public void Duplicate() => _duplicates.Inc();

    public void Rejected() => _rejected.Inc();

    public void Dropped(string reason) => _dropped.WithLabels(reason).Inc();
}
