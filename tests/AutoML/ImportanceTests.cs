using Workbook.AutoML;

namespace Workbook.Tests.AutoML;

public class ImportanceTests
{
    [Fact]
    public void The_parameter_that_drives_the_objective_ranks_first()
    {
        var space = new SearchSpace().Float("matters", 0, 1).Float("noise", 0, 1).Choice("irrelevant", ["a", "b"]);
        var random = new Random(9);
        var trials = Enumerable.Range(1, 200).Select(n =>
        {
            var p = space.Sample(random);
            var y = -Math.Pow(p.GetDouble("matters") - 0.5, 2) * 10 + 0.01 * random.NextDouble();
            return new TrialRecord(n, p.Json, 1, new TrialMetrics(y), 0.1, TrialStatus.Completed, null, 1, DateTimeOffset.UnixEpoch, null);
        }).ToList();
        var importance = ParameterImportance.Compute(space, trials);
        Assert.Equal("matters", importance[0].Parameter);
        Assert.True(importance[0].VarianceShare > 0.5, $"{importance[0].VarianceShare}");
        Assert.All(importance.Skip(1), i => Assert.True(i.VarianceShare < 0.1, $"{i.Parameter} {i.VarianceShare}"));
    }
}
