using Prometheus;

namespace HaCluster.Controller.Alerts;

public sealed class AlertMetrics(IMetricFactory metrics)
{
    private readonly Counter _mails = metrics.CreateCounter("hacluster_controller_alert_mails_total", "alert mails by outcome", ["outcome"]);

    public void Sent() => _mails.WithLabels("sent").Inc();

    public void Failed() => _mails.WithLabels("failed").Inc();
}
