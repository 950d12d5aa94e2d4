# syntax=docker/dockerfile:1
