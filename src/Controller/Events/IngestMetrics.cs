using Prometheus;

namespace HaCluster.Controller.Events;

/// <summary>The ingest's Prometheus series.</summary>
public sealed class IngestMetrics
{
    private static readonly Counter StoredEvents = Prometheus.Metrics.CreateCounter("hacluster_controller_events_stored_total", "events stored in the history");
    private static readonly Counter Duplicates = Prometheus.Metrics.CreateCounter("hacluster_controller_events_duplicate_total", "agent events received again (replays) and not stored twice");
    private static readonly Counter RejectedEvents = Prometheus.Metrics.CreateCounter("hacluster_controller_events_rejected_total", "events the database refused, dropped and logged");
    private static readonly Counter DroppedMessages = Prometheus.Metrics.CreateCounter(
        "hacluster_controller_agent_messages_dropped_total", "malformed agent messages or events, dropped and logged", "reason");
    private static readonly Histogram BatchSeconds = Prometheus.Metrics.CreateHistogram(
        "hacluster_controller_ingest_batch_seconds", "time to store one batch of events",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public void Stored(int count, TimeSpan took)
    {
        StoredEvents.Inc(count);
        BatchSeconds.Observe(took.TotalSeconds);
    }

    public void Duplicate() => Duplicates.Inc();

    public void Rejected() => RejectedEvents.Inc();

    public void Dropped(string reason) => DroppedMessages.WithLabels(reason).Inc();
}
