using System.Reflection;
using HaCluster.Agent.Hosting;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Tests.Hosting;

public class LogEventIdTests
{
    [Fact]
    public void EveryLogLineOfTheAgent_HasAnEventIdOfItsOwn()
    {
        var ids = typeof(AgentService).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.NotEmpty(ids);
        Assert.All(ids.GroupBy(m => m.Attribute!.EventId), g => Assert.True(g.Count() == 1, $"event id {g.Key}: {string.Join(", ", g.Select(m => m.Method))}"));
    }
}
