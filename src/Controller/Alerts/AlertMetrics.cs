using Prometheus;

namespace HaCluster.Controller.Alerts;

/// <summary>The outbox's deliveries by channel type and outcome, and how long alerts took from their event to their receiver.</summary>
public sealed class AlertMetrics(IMetricFactory metrics)
{
    private readonly Counter _deliveries = metrics.CreateCounter(
        "hacluster_controller_alert_deliveries_total", "alert messages by channel type and outcome (delivered, retry, failed)", ["type", "outcome"]);

    private readonly Histogram _latency = metrics.CreateHistogram(
        "hacluster_controller_alert_latency_seconds", "from the event to its alert delivered", new HistogramConfiguration
        {
            LabelNames = ["type"],
            Buckets = Histogram.ExponentialBuckets(0.01, 2, 16),
        });

    public void Delivered(string type, int alerts, TimeSpan oldest)
    {
        _deliveries.WithLabels(type, "delivered").Inc();
        _latency.WithLabels(type).Observe(Math.Max(0, oldest.TotalSeconds));
    }

    public void Retried(string type) => _deliveries.WithLabels(type, "retry").Inc();

    public void Failed(string type) => _deliveries.WithLabels(type, "failed").Inc();
}
