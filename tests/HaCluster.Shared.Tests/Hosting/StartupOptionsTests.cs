using HaCluster.Shared.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HaCluster.Shared.Tests.Hosting;

public sealed class StartupOptionsTests
{
    private sealed class First
    {
        public int Value { get; set; }
    }

    private sealed class Second
    {
        public int Value { get; set; }
    }

    [Fact]
    public void EveryOptionValid_NoProblem()
    {
        using var services = Build(first: 1, second: 1);
        Assert.Null(StartupOptions.Problem(services));
    }

    [Fact]
    public void OneOptionInvalid_ItsMessage()
    {
        using var services = Build(first: 1, second: 0);
        Assert.Equal("Second:Value must be positive", StartupOptions.Problem(services));
    }

    [Fact]
    public void OneInvalid_AndReadByAnothersValidator_ItsMessageOnce_NotAnUnhandledAggregate()
    {
        using var services = Build(first: 0, second: 1);
        Assert.Equal("First:Value must be positive", StartupOptions.Problem(services));
    }

    private static ServiceProvider Build(int first, int second)
    {
        var services = new ServiceCollection();
        services.AddOptions<First>().Configure(o => o.Value = first)
            .Validate(o => o.Value > 0, "First:Value must be positive").ValidateOnStart();
        // Second's validator reads First (as TLS's reads Storage's data directory): an invalid First fails there too.
        services.AddOptions<Second>().Configure(o => o.Value = second)
            .Validate<IOptions<First>>((o, f) => f.Value.Value > 0 && o.Value > 0, "Second:Value must be positive").ValidateOnStart();
        return services.BuildServiceProvider();
    }
}
