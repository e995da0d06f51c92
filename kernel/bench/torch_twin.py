#!/usr/bin/env python3
"""The PyTorch twin of the benchmark model (kernel/bench/reference-model.ts).

Usage: /usr/bin/python3 torch_twin.py CONFIG THREADS WARMUP STEPS

Same architecture, layer for layer, as the tfjs model the benchmark trains:
a pre-norm causal Transformer with token + learnt position embeddings,
separate W_Q, W_K, W_V, W_O without biases, an additive causal mask, a ReLU
feed-forward with biases, layer norms (eps 1e-5), a final layer norm, an
untied output projection, softmax cross-entropy and Adam (lr 1e-3), on one
fixed batch of random token ids and targets. Prints one JSON line with the
step times. Needs torch (Debian: apt-get install python3-torch).
"""
import json
import math
import resource
import sys
import time

import torch

CONFIGS = {
    # vocab, dModel, heads, seq, batch, layers, dFF (the same table as REFERENCE_CONFIGS)
    "S": dict(V=64, D=64, H=4, T=32, B=16, L=2, F=256),
    "M": dict(V=256, D=128, H=4, T=64, B=16, L=4, F=512),
    "L": dict(V=256, D=256, H=8, T=128, B=8, L=6, F=1024),
}


def main():
    name, threads, warmup, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    c = CONFIGS[name]
    V, D, H, T, B, L, F = (c[k] for k in "VDHTBLF")
    torch.set_num_threads(threads)
    torch.manual_seed(0)

    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.norm1 = torch.nn.LayerNorm(D, eps=1e-5)
            self.norm2 = torch.nn.LayerNorm(D, eps=1e-5)
            self.wq = torch.nn.Linear(D, D, bias=False)
            self.wk = torch.nn.Linear(D, D, bias=False)
            self.wv = torch.nn.Linear(D, D, bias=False)
            self.wo = torch.nn.Linear(D, D, bias=False)
            self.ff = torch.nn.Sequential(torch.nn.Linear(D, F), torch.nn.ReLU(), torch.nn.Linear(F, D))

        def heads(self, x):
            return x.view(B, T, H, D // H).transpose(1, 2)  # [B, T, D] -> [B, H, T, dK]

        def forward(self, x, mask):
            h = self.norm1(x)
            q, k, v = self.heads(self.wq(h)), self.heads(self.wk(h)), self.heads(self.wv(h))
            a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D // H) + mask, -1)  # [B, H, T, T]
            x = x + self.wo((a @ v).transpose(1, 2).reshape(B, T, D))
            return x + self.ff(self.norm2(x))

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(V, D)
            self.positions = torch.nn.Parameter(torch.zeros(T, D))
            self.blocks = torch.nn.ModuleList([Block() for _ in range(L)])
            self.final_norm = torch.nn.LayerNorm(D, eps=1e-5)
            self.output = torch.nn.Linear(D, V, bias=False)

        def forward(self, ids, mask):
            x = self.embedding(ids) + self.positions
            for b in self.blocks:
                x = b(x, mask)
            return self.output(self.final_norm(x))

    model = Model()
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    mask = torch.triu(torch.full((T, T), float("-inf")), 1)
    ids = torch.randint(0, V, (B, T))
    targets = torch.randint(0, V, (B * T,))

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(ids, mask).view(-1, V), targets)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1000)
    print(json.dumps({
        "impl": "torch " + torch.__version__.split("+")[0],
        "backend": "cpu",
        "threads": threads,
        "config": name,
        "ms": [round(t, 3) for t in times],
        "params": sum(p.numel() for p in model.parameters()),
        "peakRssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
