using Cronos;

namespace HaCluster.Controller.Domain;

/// <summary>A group's drill schedule: cron in UTC, five fields (minute hour day month weekday) or six with seconds first.</summary>
public static class DrillSchedules
{
    public static bool TryParse(string text, out CronExpression schedule)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        schedule = null!;
        if (fields is not (5 or 6) || !CronExpression.TryParse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard, out var parsed) || parsed is null)
        {
            return false;
        }

        schedule = parsed;
        return true;
    }
}
