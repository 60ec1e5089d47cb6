using Google.Rpc;
using Grpc.Core;
using HaCluster.Contracts;
using HaCluster.Dashboard.Services;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Dashboard.Tests;

public class FormTests
{
    [Fact]
    public void GroupForm_FromThenToGroup_RoundTrips_TrimmingAndDroppingEmptyVips_ThePasswordLeftOutKeepsTheStoredOne()
    {
        var group = new Group { Name = "web", Vrid = 27, Interface = "eth0", Version = 2, AdvertInterval = 1, AuthPassSet = true, Preempt = true };
        group.VirtualIps.Add(new GroupVip { Address = "192.0.2.100/32", Device = "eth0", Label = "eth0:0" });
        group.Members.Add(new GroupMember { Node = "n1", Address = "192.0.2.10", Priority = 100 });

        var form = GroupForm.From(group);
        form.VirtualIps.Add(new GroupForm.VipRow { Address = "  " });
        form.Members[0].Address = " 192.0.2.10 ";

        var sent = group.Clone();
        sent.AuthPassSet = false; // what the controller says, never what the form sends
        Assert.True(form.AuthPassSet);
        Assert.Equal(sent, form.ToGroup());
    }

    [Fact]
    public void GroupForm_StoredPassword_ReplacedByTyping_OrRemovedByTheBox_NeverShown()
    {
        var group = new Group { Name = "web", Vrid = 27, Interface = "eth0", Version = 2, AuthPassSet = true };

        var form = GroupForm.From(group);
        var shown = form.AuthPass;
        form.AuthPass = " s3cret ";
        var replaced = form.ToGroup();
        form.ClearAuthPass = true;
        var removed = form.ToGroup();

        Assert.Equal("", shown);
        Assert.Equal(("s3cret", false), (replaced.AuthPass, replaced.ClearAuthPass));
        Assert.Equal(("", true), (removed.AuthPass, removed.ClearAuthPass));
    }

    [Fact]
    public void GroupForm_Version3_SendsNoAuthPass()
    {
        var form = new GroupForm { Name = "v3", Version = 3, AuthPass = "1111", AdvertInterval = 0.1 };

        Assert.Equal("", form.ToGroup().AuthPass);
    }

    [Fact]
    public void FieldErrors_FromBadRequest_ByPath_AndWhatNoFieldShowsIsUnplaced()
    {
        var request = new BadRequest();
        request.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = "members[1].priority", Description = "equal to n1's" });
        request.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = "members", Description = "at least two members" });
        var status = new Google.Rpc.Status { Code = (int)Code.InvalidArgument, Message = "invalid", Details = { Google.Protobuf.WellKnownTypes.Any.Pack(request) } };
        var form = new GroupForm();
        form.Members.Add(new GroupForm.MemberRow());
        form.Members.Add(new GroupForm.MemberRow());

        var errors = FieldErrors.From(status.ToRpcException());

        Assert.True(errors.Has("members[1].priority"));
        Assert.Equal("equal to n1's", errors.Text("members[1].priority"));
        Assert.False(errors.Has("vrid"));
        Assert.Equal(["members: at least two members"], errors.Unplaced(form.FieldPaths()));
    }

    [Fact]
    public void FieldErrors_OtherFailure_IsOneGeneralError()
    {
        var errors = FieldErrors.From(new RpcException(new Grpc.Core.Status(StatusCode.AlreadyExists, "a group named 'web' already exists")));

        Assert.Equal(["a group named 'web' already exists"], errors.Unplaced(new HashSet<string>()));
    }

    [Fact]
    public void ConfigDiff_PriorityChanged_OneLineOutOneLineIn()
    {
        var diff = ConfigDiff.Between("a\n    priority 80\nb\n", "a\n    priority 95\nb\n");

        Assert.Equal([("-", "    priority 80"), ("+", "    priority 95")], diff.Lines.Where(l => l.Css.Length > 0).Select(l => (l.Prefix, l.Text)));
        Assert.True(diff.Changed);
        Assert.False(ConfigDiff.Between("a\n", "a\n").Changed);
    }

    [Theory]
    [InlineData(TransitionReason.PriorityZeroReceived, "priority 0 received (the master stopped)")]
    [InlineData(TransitionReason.MasterDownTimer, "master down timer expired")]
    [InlineData((TransitionReason)999, "999")]
    public void Reason_ReadsAsWords(TransitionReason reason, string text) => Assert.Equal(text, Labels.Reason(reason));

    [Fact]
    public void Reason_EveryReasonReadsAsWords() =>
        Assert.All(Enum.GetValues<TransitionReason>().Where(r => r != TransitionReason.Unspecified),
            r => Assert.Matches("^[a-zA-Z][a-zA-Z0-9 ()-]+$", Labels.Reason(r)));
}
