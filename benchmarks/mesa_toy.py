"""A plain Mesa model of one `mesa.Agent` per migrant: the yardstick `speed_memory.py` divides by.

Each month every agent, in random order, draws one number: at the origin it leaves for one of
684 cities with probability 0.01; in a city its residence clock ticks and it goes home with
probability 0.01. One decision per agent-month, nothing else: what any agent-per-object Mesa
model pays at the least, before it models anything.

    python benchmarks/mesa_toy.py [--agents 20000] [--months 12]
"""

import argparse
import time

import mesa


class Migrant(mesa.Agent):
    def __init__(self, model: mesa.Model):
        super().__init__(model)
        self.city = -1
        self.months_in_city = 0

    def step(self) -> None:
        if self.city < 0:
            if self.random.random() < 0.01:
                self.city = self.random.randrange(684)
                self.months_in_city = 0
        else:
            self.months_in_city += 1
            if self.random.random() < 0.01:
                self.city = -1


class Toy(mesa.Model):
    def __init__(self, agents: int, seed: int = 0):
        super().__init__(rng=seed)
        Migrant.create_agents(self, agents)

    def step(self) -> None:
        self.agents.shuffle_do("step")


def agent_months_per_second(agents: int = 20_000, months: int = 12) -> float:
    model = Toy(agents)
    started = time.perf_counter()
    for _ in range(months):
        model.step()
    return agents * months / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()
    rate = agent_months_per_second(args.agents, args.months)
    print(f"plain Mesa toy, {args.agents:,} agents: {rate:,.0f} agent-months/s")


if __name__ == "__main__":
    main()
