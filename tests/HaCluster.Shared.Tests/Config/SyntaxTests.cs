using System.Net;
using HaCluster.Shared.Config;

namespace HaCluster.Shared.Tests.Config;

public class SyntaxTests
{
    [Fact]
    public void Parse_HashAndBangComments_AreIgnoredToEndOfLine()
    {
        var vi = Conf.SingleInstance("""
            # full line comment
            ! another one
                priority 90 # trailing
                advert_int 3! glued
            """);

        Assert.Equal(90, vi.Priority);
        Assert.Equal(TimeSpan.FromSeconds(3), vi.AdvertInterval);
    }

    [Fact]
    public void Parse_QuotedString_KeepsSpacesAndCommentCharacters()
    {
        var vi = Conf.SingleInstance("""
                authentication {
                    auth_type PASS
                    auth_pass "a #b!c"
                }
            """);

        Assert.Equal("a #b!c", vi.AuthPass);
    }

    [Fact]
    public void Parse_UnterminatedQuote_ReportsFileLine()
    {
        var result = Conf.Parse("global_defs {\n  router_id \"abc\n}\n");

        Assert.Equal("test.conf:2: unterminated quoted string", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_BlockOnOneLine_ParsesChildren()
    {
        var vi = Conf.SingleInstance("    unicast_peer { 192.0.2.11 }\n    virtual_ipaddress { 192.0.2.100/24 dev eth1 }");

        Assert.Equal(IPAddress.Parse("192.0.2.11"), Assert.Single(vi.UnicastPeers).Address);
        Assert.Equal("eth1", Assert.Single(vi.VirtualIps).Device);
    }

    [Fact]
    public void Parse_OpenBraceOnNextLine_OpensBlockOfPreviousKeyword()
    {
        var result = Conf.Parse("""
            vrrp_instance VI_1
            {
                interface eth0
                virtual_router_id 5
                virtual_ipaddress
                {
                    192.0.2.100
                }
            }
            """);

        Conf.NoErrors(result);
        Assert.Single(Assert.Single(result.Config.Instances).VirtualIps);
    }

    [Fact]
    public void Parse_UnclosedBraceAtEnd_ReportsLineWhereItOpened()
    {
        var result = Conf.Parse("global_defs {\n  router_id a\n}\nvrrp_instance VI_1 {\n  interface eth0\n");

        var error = Assert.Single(result.Errors, e => e.Message.Contains("unclosed", StringComparison.Ordinal));
        Assert.Equal(4, error.Location.Line);
        Assert.Contains("vrrp_instance", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StrayCloseBrace_ReportsFileLine()
    {
        var result = Conf.Parse("global_defs {\n  router_id a\n}\n}\n");

        Assert.Equal("test.conf:4: unexpected '}' with no open block", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_OpenBraceWithoutKeyword_ReportsFileLine()
    {
        var result = Conf.Parse("global_defs {\n}\n{\n}\n");

        Conf.HasError(result, 3, "unexpected '{'");
    }

    [Fact]
    public void Parse_MisindentedButBalancedBraces_AreAccepted()
    {
        var result = Conf.Parse("global_defs {\n    notification_email {\n    a@example.com\n}\n}\n");

        Conf.NoErrors(result);
        Assert.Equal(["a@example.com"], result.Config.Global.NotificationEmails.ToArray());
    }

    [Fact]
    public void Parse_CrLfLineEndingsAndBom_AreAccepted()
    {
        var result = Conf.Parse("\uFEFFglobal_defs {\r\n  router_id r1\r\n}\r\n");

        Conf.NoErrors(result);
        Assert.Equal(2, Conf.HasWarning(result, 2, "'router_id' has no effect").Location.Line);
        Assert.Single(result.Warnings);
        Assert.Equal("r1", result.Config.Global.RouterId);
    }

    [Fact]
    public void Diagnostic_ToString_UsesFileLineAndWarningPrefix()
    {
        var result = Conf.Parse("global_defs {\n  frobnicate 1\n}\n");

        Assert.Equal("test.conf:2: warning: unknown keyword 'frobnicate'", Assert.Single(result.Warnings).ToString());
    }
}
